//! Notification channels and the delivery state of each notification.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

vocabulary! {
    /// Where a notification goes: a group robot, mail, or another system.
    ChannelKind {
        Wecom => "wecom", "WeCom group robot", "企业微信群机器人";
        Dingtalk => "dingtalk", "DingTalk robot", "钉钉机器人";
        Feishu => "feishu", "Feishu bot", "飞书机器人";
        Email => "email", "E-mail", "电子邮件";
        Webhook => "webhook", "Webhook", "Webhook";
    }
}

vocabulary! {
    /// Where a notification is on its way.
    Delivery {
        Pending => "pending", "Pending", "待发送";
        Sent => "sent", "Sent", "已发送";
        Failed => "failed", "Failed", "失败";
    }
}

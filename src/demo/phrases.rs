//! The short phrases of the demo that any kind of work uses: answers, comments, objections and
//! their corrections, risks, escalations.

pub const ESCALATE_TO: &[&str] = &["分管副总", "项目管理办公室", "总经理办公室", "运营总监"];

pub const ACK_NOTES: &[&str] = &[
    "已收到，今天内安排人员评估。",
    "收到，已指定专人跟进，明天给出初步方案。",
    "已收到，需求已转部门负责人。",
    "收到，建议约个会把口径对齐。",
    "已收到，正在评估工作量。",
];

/// (department, comment): a comment anyone may write has no department.
pub const COMMENTS: &[(&str, &str)] = &[
    ("", "请补充一下影响范围的数据。"),
    ("", "相关文档已上传到共享盘。"),
    ("", "已同步给部门负责人。"),
    ("", "会议纪要里的分工已确认，没有问题。"),
    ("", "请各部门负责人关注一下进度。"),
    ("RD", "这个问题和上季度的一次改动有关，可以参考当时的方案。"),
    ("QA", "测试环境已准备好，可以随时联调。"),
    ("FIN", "涉及金额的部分请以财务系统数据为准。"),
    ("CS", "一线用户还在持续反馈，请尽量按期完成。"),
];

/// Objections to the minutes; the correction of each is at the same place in `CORRECTIONS`.
pub const OBJECTIONS: &[&str] = &[
    "纪要中的交付日期与会上所说不一致，请更正。",
    "我部门的分工写反了，请更正。",
    "会上约定的是先试点再推广，纪要没有写。",
];

pub const CORRECTIONS: &[&str] = &[
    "（修订：交付日期按会上确认的{due}执行。）",
    "（修订：分工按各部门会上确认的内容更正。）",
    "（修订：先在{region}试点，再全面推广。）",
];

/// (department, reason, adjusted plan) of a risk alert.
pub const RISKS: &[(&str, &str, &str)] = &[
    ("RD", "突发线上问题抽调人手，开发顺延", "抽调一名后端支援，联调与开发并行"),
    ("RD", "联调环境不稳定，接口联调受阻", "申请独立联调环境，同时用模拟数据先行"),
    ("QA", "测试机型不足，回归覆盖不完整", "借用客服部备用机并使用云测平台补充"),
    ("OPS", "供应商到货延迟", "临时从闲置资产中调配，到货后替换"),
    ("FIN", "月结期间人手紧张", "月结完成后集中处理，先处理金额较大的部分"),
    ("SALES", "部分客户经理出差，确认进度慢", "由销售主管直接联系客户确认"),
    ("", "依赖方资料未按时提供", "已与对方约定新的提供时间，并每日跟进"),
    ("", "审批流程比预期长", "已请部门负责人加急审批"),
];

pub const CANCEL_REASONS: &[&str] =
    &["需求调整，该项工作并入其他任务", "经确认现有方案已能满足，不再单独处理"];

pub const HELP: &[&str] =
    &["需提供相关数据，已发送邮件，待反馈", "需确认口径，已约明天沟通", "需协助提供相关账号权限"];

pub const ESCALATION_NOTES: &[&str] = &[
    "分管副总协调增派人手，按新计划推进",
    "项目管理办公室已明确优先级，各部门按新排期执行",
    "经协调已解决资源冲突，恢复正常跟进",
];

pub const RETRO_EXTRA: &[&str] =
    &["会议纪要确认及时，减少了返工。", "个别任务进度更新不够及时，下次按周更新。", "", ""];

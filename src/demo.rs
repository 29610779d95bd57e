//! A realistic dataset in Chinese: departments, people and issues with whole histories (meetings,
//! tasks, progress, risks, resolutions, archives), some late and some escalated.
//!
//! Deterministic for a seed, and generated one record at a time so that 100 000 issues never sit
//! in memory together.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Value, json};

use crate::domain::deadline::{ResponseRules, response_due};
use crate::domain::model::local_time::rfc3339;
use crate::domain::risk::alert_is_timely;
use crate::domain::*;

/// SplitMix64: small, fast, and good enough to vary demo data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("RD", "研发部"),
    ("MKT", "市场部"),
    ("OPS", "运营部"),
    ("QA", "测试部"),
    ("SALES", "销售部"),
    ("FIN", "财务部"),
    ("HR", "人力资源部"),
    ("CS", "客服部"),
];

const SURNAMES: &[(&str, &str)] = &[
    ("zhang", "张"),
    ("wang", "王"),
    ("li", "李"),
    ("zhao", "赵"),
    ("liu", "刘"),
    ("chen", "陈"),
    ("yang", "杨"),
    ("huang", "黄"),
    ("zhou", "周"),
    ("wu", "吴"),
    ("xu", "徐"),
    ("sun", "孙"),
];
const GIVEN: &[(&str, &str)] = &[
    ("wei", "伟"),
    ("fang", "芳"),
    ("min", "敏"),
    ("jing", "静"),
    ("lei", "磊"),
    ("qiang", "强"),
    ("yan", "艳"),
    ("jie", "杰"),
    ("tao", "涛"),
    ("ming", "明"),
    ("chao", "超"),
    ("xia", "霞"),
];

/// One kind of cross-department work, with the words each stage of its record uses.
struct Scenario {
    proposer: &'static str,
    involved: &'static [&'static str],
    title: &'static str,
    background: &'static str,
    request: &'static str,
    summary: &'static str,
    disputes: &'static str,
    consensus: &'static str,
    tasks: &'static [(&'static str, &'static str)],
    progress: &'static [&'static str],
    risk: (&'static str, &'static str),
    solution: &'static str,
    retro: &'static str,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        proposer: "MKT",
        involved: &["RD", "OPS", "QA"],
        title: "双十一活动新增用户积分兑换功能",
        background: "双十一活动需新增用户积分兑换功能，预计活动期间日活提升30%，现有积分模块不支持兑换实物礼品。",
        request: "需研发部开发积分兑换接口，运营部提供兑换规则，测试部在10个工作日内完成联调测试。",
        summary: "研发部提出接口开发需5个工作日；运营部承诺3个工作日内提供兑换规则；测试部需要规则确认后才能写用例。",
        disputes: "兑换上限按用户还是按订单计算，运营部与市场部意见不一。",
        consensus: "按用户每日上限计算；研发部按时完成接口开发，测试部同步准备测试用例。",
        tasks: &[("RD", "积分兑换接口开发"), ("OPS", "兑换规则确认"), ("QA", "联调测试与测试报告")],
        progress: &[
            "完成需求分析，待开发",
            "接口开发完成50%，待联调",
            "运营部提交规则，研发部开始开发",
            "联调通过，待回归测试",
        ],
        risk: ("突发需求插队，原任务顺延2天", "抽调一名后端支援，联调与开发并行"),
        solution: "完成积分兑换接口开发，规则调整后通过全部测试用例，活动前一天上线。",
        retro: "本次沟通效率较高，但需求明确环节可提前，避免返工；兑换上限的口径应在立项时确认。",
    },
    Scenario {
        proposer: "SALES",
        involved: &["RD", "FIN"],
        title: "大客户合同报价单需支持多币种",
        background: "海外大客户要求报价单以美元和欧元展示，目前系统只能生成人民币报价，上周已有两单因此延误。",
        request: "需研发部在报价模块增加币种选择，财务部提供每日汇率来源与取整规则，10月30日前上线。",
        summary: "研发部评估改动涉及报价、合同两个模块；财务部建议使用中国银行中间价，每日9点更新。",
        disputes: "历史报价是否按新汇率重算。",
        consensus: "历史报价不重算，只对新报价生效；财务部提供汇率接口说明。",
        tasks: &[("RD", "报价模块多币种改造"), ("FIN", "汇率来源与取整规则说明")],
        progress: &["财务部提交汇率规则文档", "报价模块改造完成，待财务确认取整", "已在预发环境验证三种币种"],
        risk: ("汇率接口需要申请权限，审批流程约3天", "先用手工导入汇率过渡，权限到位后切换"),
        solution: "报价单支持人民币、美元、欧元三种币种，汇率每日自动更新，已通过财务部核对。",
        retro: "跨部门口径（汇率、取整）应在需求阶段由财务部书面确认，减少来回沟通。",
    },
    Scenario {
        proposer: "CS",
        involved: &["RD", "OPS"],
        title: "客服工单系统导出报表缺少处理时长字段",
        background: "客服部每周向管理层汇报工单处理效率，现有导出报表缺少首次响应时长和处理时长，需要人工计算，每周耗时约4小时。",
        request: "需研发部在工单导出中增加首次响应时长、处理时长两个字段，运营部确认统计口径，下周五前交付。",
        summary: "研发部确认数据已存在，只需调整导出模板；运营部说明节假日是否计入时长需要统一口径。",
        disputes: "时长按自然时间还是工作时间统计。",
        consensus: "同时提供自然时长与工作时长两列，口径写入报表说明。",
        tasks: &[("RD", "导出模板增加时长字段"), ("OPS", "统计口径说明文档")],
        progress: &["口径文档初稿完成", "导出模板修改完成，待客服验收", "已补充节假日日历"],
        risk: ("节假日数据缺失，工作时长无法准确计算", "先导入官方节假日日历，再计算工作时长"),
        solution: "导出报表新增首次响应时长、处理时长（自然/工作日）四列，附口径说明。",
        retro: "需求描述清晰，交付及时；统计口径类需求以后直接邀请运营部参加首次沟通。",
    },
    Scenario {
        proposer: "HR",
        involved: &["FIN", "OPS"],
        title: "新员工入职流程中工位与设备申请衔接不畅",
        background: "近两个月新员工入职当天平均有40%无法领到电脑，入职体验差，试用期满意度调查得分下降。",
        request: "需运营部在入职前3个工作日完成工位与设备准备，财务部配合设备采购预算审批，形成固定流程文档。",
        summary: "运营部反馈设备库存不足，采购审批平均需5个工作日；财务部可为入职设备开设快速审批通道。",
        disputes: "设备采购预算归属人力资源部还是各用人部门。",
        consensus: "预算归用人部门，财务部开设快速通道，运营部维持10台备用库存。",
        tasks: &[("OPS", "建立备用设备库存"), ("FIN", "入职设备快速审批通道"), ("HR", "入职流程文档更新")],
        progress: &["快速审批通道已上线", "备用库存补充至8台", "流程文档已发布到内网"],
        risk: ("供应商到货延迟一周", "临时从闲置资产中调配3台"),
        solution: "入职设备准备纳入固定流程，入职当天设备到位率达到95%以上。",
        retro: "问题描述有数据支撑，推动效率高；库存阈值需每季度复核。",
    },
    Scenario {
        proposer: "OPS",
        involved: &["RD", "QA"],
        title: "会员中心页面在低版本安卓系统白屏",
        background: "近一周收到用户反馈126条，安卓8及以下版本进入会员中心出现白屏，影响约5%的活跃用户。",
        request: "需研发部定位白屏原因并修复，测试部补充低版本机型回归测试，3个工作日内发布修复版本。",
        summary: "研发部初步判断为新引入的前端组件不兼容旧版WebView；测试部缺少安卓8测试机。",
        disputes: "是否回滚组件还是做兼容处理。",
        consensus: "先做兼容处理，若2个工作日内无法完成则回滚组件；测试部借用客服部备用机测试。",
        tasks: &[("RD", "修复旧版WebView兼容问题"), ("QA", "低版本机型回归测试")],
        progress: &["定位到白屏原因：组件使用了不支持的语法", "兼容修复完成，提交测试", "回归测试通过"],
        risk: ("测试机型不足，回归覆盖不完整", "借用客服部备用机并使用云测平台补充"),
        solution: "增加语法转换配置修复兼容问题，发布修复版本，白屏反馈降为零。",
        retro: "响应及时；前端组件升级前应纳入低版本机型兼容性检查。",
    },
    Scenario {
        proposer: "FIN",
        involved: &["SALES", "OPS"],
        title: "月末回款对账数据与销售台账不一致",
        background: "9月回款对账发现财务系统与销售台账相差37笔，涉及金额约52万元，需逐笔人工核对，影响月结。",
        request: "需销售部在5个工作日内逐笔确认差异原因，运营部提供订单系统导出数据，财务部输出对账报告。",
        summary: "差异主要来自退款冲销与跨月开票；销售部部分客户经理已离职，需要交接人协助。",
        disputes: "跨月开票应计入哪个月。",
        consensus: "以开票日期为准；销售部指定对接人，每两日同步一次核对进度。",
        tasks: &[("SALES", "逐笔确认回款差异"), ("OPS", "导出订单明细"), ("FIN", "输出对账报告")],
        progress: &["已确认21笔差异原因", "订单明细已导出", "剩余差异集中在退款冲销"],
        risk: ("离职客户经理负责的9笔无法确认", "由销售主管联系客户直接确认"),
        solution: "37笔差异全部查明，调整台账后双方数据一致，对账报告已归档。",
        retro: "对账规则需写入制度；离职交接清单应包含未结回款。",
    },
    Scenario {
        proposer: "RD",
        involved: &["OPS", "CS"],
        title: "生产环境数据库计划停机维护需提前通知用户",
        background: "数据库版本即将停止支持，需要在11月进行一次约2小时的停机升级，涉及全部线上服务。",
        request: "需运营部确定停机窗口并发布公告，客服部准备用户咨询话术，在停机前5个工作日完成通知。",
        summary: "运营部建议选择周日凌晨2点至4点；客服部需要提前拿到公告文本准备话术。",
        disputes: "是否需要短信通知全部用户。",
        consensus: "只对付费用户发短信，其余用户以站内公告通知；研发部准备回滚方案。",
        tasks: &[("OPS", "发布停机公告"), ("CS", "准备咨询话术"), ("RD", "升级与回滚演练")],
        progress: &["停机公告已审核", "回滚演练完成，耗时35分钟", "话术已培训到客服全员"],
        risk: ("演练发现一个存储过程不兼容新版本", "改写存储过程并加测一轮"),
        solution: "按计划窗口完成数据库升级，停机1小时40分钟，无数据丢失，用户投诉3起已处理。",
        retro: "提前沟通充分；下次演练应包含全部存储过程的兼容检查。",
    },
    Scenario {
        proposer: "QA",
        involved: &["RD"],
        title: "自动化测试环境每日构建失败率升高",
        background: "近两周自动化测试环境每日构建失败率从5%升到30%，测试部每天需要人工重跑，拖慢版本节奏。",
        request: "需研发部排查构建失败原因并修复，提供构建失败的告警通知，一周内把失败率降到5%以下。",
        summary: "研发部发现依赖下载超时和测试数据污染两类原因；测试部可提供失败用例清单。",
        disputes: "测试数据隔离由哪个部门负责。",
        consensus: "研发部负责构建脚本与依赖缓存，测试部负责测试数据隔离方案。",
        tasks: &[("RD", "构建依赖缓存与告警"), ("QA", "测试数据隔离方案")],
        progress: &["依赖缓存已上线，超时减少", "数据隔离方案评审通过", "失败率降至6%"],
        risk: ("缓存服务器磁盘不足", "申请扩容并清理过期缓存"),
        solution: "依赖缓存与数据隔离上线后，连续两周构建失败率低于3%。",
        retro: "问题有数据、有目标，协作顺畅；告警应早于人工发现。",
    },
];

const ESCALATE_TO: &[&str] = &["分管副总", "项目管理办公室", "总经理办公室", "研发总监"];
const COMMENTS: &[&str] = &[
    "已收到，今天内安排人员评估。",
    "请补充一下影响范围的数据。",
    "会议时间改到明天下午两点，地点第三会议室。",
    "相关文档已上传到共享盘。",
    "已同步给部门负责人。",
];

/// The people and departments of the demo, and the recipe for each issue.
pub struct Demo {
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    seed: u64,
}

impl Demo {
    pub fn new(seed: u64) -> Demo {
        let mut rng = Rng::new(seed);
        let mut people = Vec::new();
        let mut departments = Vec::new();
        for (d, (code, name)) in DEPARTMENTS.iter().enumerate() {
            let mut head = None;
            for k in 0..5 {
                let (sp, sz) = SURNAMES[(d * 5 + k) % SURNAMES.len()];
                let (gp, gz) = GIVEN[(d * 7 + k * 5 + rng.below(3)) % GIVEN.len()];
                let login = format!("{sp}{gp}{}", code.to_ascii_lowercase());
                let role = match k {
                    0 | 1 if d % 3 == 2 && k == 1 => Role::Coordinator,
                    4 if d % 4 == 3 => Role::Viewer,
                    _ => Role::Member,
                };
                head.get_or_insert_with(|| login.clone());
                people.push(Person {
                    login,
                    display_name: format!("{sz}{gz}"),
                    dept: code.to_string(),
                    role,
                });
            }
            departments.push(Department { code: code.to_string(), name: name.to_string(), head });
        }
        Demo { departments, people, seed }
    }

    fn member(&self, rng: &mut Rng, dept: &str) -> &Person {
        let members: Vec<&Person> =
            self.people.iter().filter(|p| p.dept == dept && p.role != Role::Viewer).collect();
        members[rng.below(members.len())]
    }

    /// The `index`-th issue of `total`, proposed within the year before `now`: older issues are
    /// further along their life cycle. The number is left empty for the store to draw.
    pub fn record(
        &self,
        index: usize,
        total: usize,
        now: NaiveDateTime,
        cal: &Calendar,
        rules: &ResponseRules,
    ) -> IssueRecord {
        let mut rng = Rng::new(self.seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let sc = rng.pick(SCENARIOS);
        // Spread over 360 days, newest last; keep proposals within working hours.
        let age_days = (360 * (total - index) / total.max(1)) as i64;
        let day = cal_back(cal, now.date() - Duration::days(age_days));
        let proposed_at =
            at(day, 9 + rng.below(8) as u32, rng.below(60) as u32).min(now - Duration::minutes(5));
        let priority = *rng.pick(&[Priority::High, Priority::Medium, Priority::Medium, Priority::Low]);
        let proposer = self.member(&mut rng, sc.proposer).clone();
        let due = response_due(proposed_at, rules.rule(priority), cal);
        let variant = rng.below(90) + 10;
        let mut h = History::new(proposed_at, now);
        let mut issue = Issue {
            id: 0,
            number: String::new(),
            proposer_dept: sc.proposer.to_string(),
            proposer: proposer.login.clone(),
            proposed_at,
            priority,
            title: format!("{}（第{variant}批）", sc.title),
            background: sc.background.to_string(),
            request: sc.request.to_string(),
            departments: sc.involved.iter().map(|d| d.to_string()).collect(),
            status: Status::Registered,
            response_due_at: due,
            response_in_hours: matches!(
                rules.rule(priority),
                crate::domain::deadline::ResponseRule::Hours(_)
            ),
            first_response_at: None,
            first_response_by: None,
            response_waived: None,
            escalations: Vec::new(),
            resolution: None,
            acceptance: None,
            retrospective: None,
            archived_at: None,
            version: 1,
            updated_at: proposed_at,
            updated_by: proposer.login.clone(),
        };
        h.event(&proposer.login, EventKind::Registered, Value::Null, json!({
            "title": issue.title, "priority": priority, "departments": issue.departments, "response_due_at": rfc3339(&due),
        }));
        let mut record = IssueRecord {
            issue: issue.clone(),
            meetings: Vec::new(),
            tasks: Vec::new(),
            progress: Vec::new(),
            risks: Vec::new(),
            comments: Vec::new(),
            events: Vec::new(),
        };
        // How far along: older issues mostly finished, the newest mostly waiting.
        let stage = match age_days {
            0..=1 => rng.below(2),
            2..=14 => 1 + rng.below(4),
            15..=45 => 3 + rng.below(4),
            // Old issues are closed, but for a few that drag on (and get escalated).
            _ if rng.chance(4) => 3,
            _ => *rng.pick(&[5, 6, 6, 6, 6]),
        };
        let responder = self.member(&mut rng, sc.involved[0]).clone();
        if stage >= 1 {
            let late = rng.chance(12);
            let delay = if late {
                due - proposed_at + Duration::hours(3)
            } else {
                Duration::minutes(20 + rng.below(600) as i64)
            };
            let t = h.after(delay);
            issue.first_response_at = Some(t);
            issue.first_response_by = Some(responder.login.clone());
            issue.status = Status::InProgress;
            record.comments.push(Comment {
                id: 0,
                at: t,
                by: responder.login.clone(),
                body: COMMENTS[0].to_string(),
            });
            h.event(
                &responder.login,
                EventKind::Acknowledged,
                json!({"status": "registered"}),
                json!({"status": "in_progress", "first_response": true}),
            );
        } else if h.now > due && rng.chance(50) {
            let t = h.after(due - proposed_at + Duration::hours(1));
            issue.escalations.push(Escalation {
                seq: 1,
                reason: "超过响应时限仍无人响应".into(),
                to: rng.pick(ESCALATE_TO).to_string(),
                by: proposer.login.clone(),
                at: t,
                closed: None,
            });
            h.event(
                &proposer.login,
                EventKind::Escalated,
                json!({}),
                json!({"reason": "超过响应时限仍无人响应"}),
            );
        }
        if stage >= 2 {
            let t = h.after(Duration::hours(20 + rng.below(30) as i64));
            let mut participants = vec![Participant {
                login: proposer.login.clone(),
                dept: proposer.dept.clone(),
                confirmation: Confirmation::Pending,
                note: None,
                answered_at: None,
                proxy: None,
            }];
            for d in sc.involved {
                let p = self.member(&mut rng, d);
                participants.push(Participant {
                    login: p.login.clone(),
                    dept: p.dept.clone(),
                    confirmation: Confirmation::Pending,
                    note: None,
                    answered_at: None,
                    proxy: None,
                });
            }
            let recorder = proposer.login.clone();
            h.event(
                &recorder,
                EventKind::MeetingRecorded,
                json!({}),
                json!({"meeting": 1, "held_at": rfc3339(&t), "summary": sc.summary, "consensus": sc.consensus}),
            );
            for p in &mut participants {
                if p.login == recorder || stage >= 3 || rng.chance(50) {
                    // An objection keeps the issue from a solution until the minutes are amended.
                    let objects = p.login != recorder && rng.chance(5) && stage < 4;
                    p.confirmation = if objects { Confirmation::Objected } else { Confirmation::Confirmed };
                    p.note = objects.then(|| "纪要中的交付日期与会上所说不一致，请更正".to_string());
                    p.answered_at = Some(h.after(Duration::minutes(30 + rng.below(300) as i64)));
                    let kind = if objects { EventKind::MinutesObjected } else { EventKind::MinutesConfirmed };
                    h.event(
                        &p.login,
                        kind,
                        json!({"meeting": 1, "confirmation": "pending"}),
                        json!({"meeting": 1, "confirmation": p.confirmation, "note": p.note}),
                    );
                }
            }
            record.meetings.push(Meeting {
                id: 0,
                seq: 1,
                held_at: t,
                mode: *rng.pick(&[MeetingMode::Online, MeetingMode::Offline]),
                participants,
                summary: sc.summary.into(),
                disputes: sc.disputes.into(),
                consensus: sc.consensus.into(),
                recorder,
                version: 1,
            });
            for (k, (dept, title)) in sc.tasks.iter().enumerate() {
                let owner = self.member(&mut rng, dept).login.clone();
                let deadline = cal.add_working_days(t.date(), 3 + rng.below(6) as u32);
                record.tasks.push(Task {
                    id: 0,
                    seq: k as i64 + 1,
                    dept: dept.to_string(),
                    title: title.to_string(),
                    owner: owner.clone(),
                    deadline,
                    state: TaskState::Todo,
                    percent: 0,
                });
                h.event(
                    &owner,
                    EventKind::TaskAdded,
                    json!({}),
                    json!({"task": k + 1, "dept": dept, "title": title, "deadline": deadline}),
                );
            }
        }
        if stage >= 3 {
            for (k, note) in sc.progress.iter().enumerate() {
                // Not every step gets written down; the last one always is.
                if k + 1 < sc.progress.len() && !rng.chance(65) {
                    continue;
                }
                let seq = (k % record.tasks.len()) as i64 + 1;
                let t = h.after(Duration::hours(18 + rng.below(40) as i64));
                let percent = (((k + 1) * 100) / sc.progress.len()).min(100) as u8;
                let task = &mut record.tasks[seq as usize - 1];
                task.percent = task.percent.max(percent);
                task.state = if task.percent == 100 { TaskState::Done } else { TaskState::Doing };
                // Help is asked of another department than the task's own.
                let helper = sc.involved.iter().chain([&sc.proposer]).find(|d| **d != task.dept);
                let help = helper.filter(|_| k == 1 && rng.chance(30)).map(|d| HelpRequest {
                    dept: d.to_string(),
                    what: "需提供测试数据，已发送邮件，待反馈".into(),
                });
                record.progress.push(Progress {
                    id: 0,
                    task_seq: Some(seq),
                    at: t,
                    by: task.owner.clone(),
                    percent: Some(percent),
                    note: note.to_string(),
                    help,
                });
                h.event(
                    &task.owner.clone(),
                    EventKind::ProgressAdded,
                    json!({}),
                    json!({"task": seq, "percent": percent, "note": note}),
                );
                if k == 1 && rng.chance(35) {
                    let task = &mut record.tasks[seq as usize - 1];
                    let raised = h.after(Duration::hours(2));
                    let new_deadline = cal.add_working_days(task.deadline, 2);
                    let timely = alert_is_timely(raised, task.deadline, cal);
                    record.risks.push(Risk {
                        id: 0,
                        task_seq: seq,
                        raised_at: raised,
                        by: task.owner.clone(),
                        reason: sc.risk.0.into(),
                        plan: sc.risk.1.into(),
                        new_deadline: Some(new_deadline),
                        timely,
                    });
                    h.event(&task.owner.clone(), EventKind::RiskRaised, json!({"task": seq, "deadline": task.deadline}), json!({"task": seq, "reason": sc.risk.0, "plan": sc.risk.1, "new_deadline": new_deadline, "timely": timely}));
                    task.deadline = new_deadline;
                }
            }
            if rng.chance(8) && issue.escalations.is_empty() {
                let t = h.after(Duration::hours(4));
                let to = rng.pick(ESCALATE_TO).to_string();
                issue.escalations.push(Escalation {
                    seq: 1,
                    reason: "任务逾期且资源冲突无法在部门间协调".into(),
                    to: to.clone(),
                    by: proposer.login.clone(),
                    at: t,
                    closed: None,
                });
                h.event(
                    &proposer.login,
                    EventKind::Escalated,
                    json!({}),
                    json!({"escalation": 1, "reason": "任务逾期且资源冲突无法在部门间协调", "to": to}),
                );
            }
        }
        if stage >= 4 {
            for task in &mut record.tasks {
                task.state = TaskState::Done;
                task.percent = 100;
            }
            let t = h.after(Duration::hours(10 + rng.below(20) as i64));
            issue.resolution = Some(Resolution {
                solution: sc.solution.into(),
                resolved_at: t,
                owner: responder.login.clone(),
                feedback: proposer.login.clone(),
            });
            issue.status = Status::AwaitingAcceptance;
            h.event(
                &responder.login,
                EventKind::Resolved,
                json!({"status": "in_progress"}),
                json!({"status": "awaiting_acceptance", "solution": sc.solution}),
            );
        }
        if stage >= 5 {
            let t = h.after(Duration::hours(3 + rng.below(30) as i64));
            issue.acceptance = Some(Acceptance {
                accepted: true,
                by: proposer.login.clone(),
                proxy: None,
                at: t,
                reason: None,
            });
            issue.status = Status::Resolved;
            h.event(
                &proposer.login,
                EventKind::Accepted,
                json!({"status": "awaiting_acceptance"}),
                json!({"status": "resolved"}),
            );
        }
        if stage >= 6 {
            let t = h.after(Duration::hours(24 + rng.below(48) as i64));
            issue.retrospective = Some(sc.retro.into());
            issue.archived_at = Some(t);
            issue.status = Status::Archived;
            h.event(
                &proposer.login,
                EventKind::Archived,
                json!({"status": "resolved"}),
                json!({"status": "archived", "retrospective": sc.retro}),
            );
        }
        issue.version = h.events.len() as i64;
        if let Some(last) = h.events.last() {
            issue.updated_at = last.at;
            issue.updated_by = last.actor.clone();
        }
        record.issue = issue;
        record.events = h.events;
        record
    }
}

/// Writes the demo's departments, people and `total` issues in one transaction, as `admin`.
pub fn load(
    store: &mut crate::store::Store,
    admin: &Person,
    lang: crate::i18n::Lang,
    total: usize,
    seed: u64,
    now: NaiveDateTime,
) -> crate::store::StoreResult<Demo> {
    let cal = store.calendar()?;
    let rules = store.settings()?.response;
    let demo = Demo::new(seed);
    let mut writer = store.bulk(admin, lang)?;
    writer.announce_as("demo", now);
    for d in &demo.departments {
        writer.ensure_department(d)?;
    }
    for p in &demo.people {
        writer.ensure_person(p)?;
    }
    // One core makes the records while the other writes them.
    std::thread::scope(|scope| -> crate::store::StoreResult<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(256);
        let (demo, cal, rules) = (&demo, &cal, &rules);
        scope.spawn(move || {
            for i in 0..total {
                if send.send(demo.record(i, total, now, cal, rules)).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for record in receive {
            writer.add_record(&record)?;
        }
        Ok(())
    })?;
    writer.commit()?;
    Ok(demo)
}

/// The day itself if it is a working day, else the working day before it.
fn cal_back(cal: &Calendar, day: NaiveDate) -> NaiveDate {
    if cal.is_working_day(day) { day } else { cal.prev_working_day(day) }
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default())
}

/// A clock that only moves forward and never past "now", with the events it has stamped.
struct History {
    clock: NaiveDateTime,
    now: NaiveDateTime,
    events: Vec<Event>,
}

impl History {
    fn new(start: NaiveDateTime, now: NaiveDateTime) -> History {
        History { clock: start, now, events: Vec::new() }
    }

    fn after(&mut self, d: Duration) -> NaiveDateTime {
        self.clock = (self.clock + d).min(self.now);
        self.clock
    }

    fn event(&mut self, actor: &str, kind: EventKind, before: Value, after: Value) {
        self.events.push(Event {
            id: 0,
            issue_number: None,
            at: self.clock,
            actor: actor.to_string(),
            on_behalf_of: None,
            kind,
            before,
            after,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_cover_every_department_and_role() {
        let demo = Demo::new(7);
        assert!(demo.departments.len() >= 6);
        for d in &demo.departments {
            assert!(demo.people.iter().any(|p| p.dept == d.code && p.role == Role::Member), "{}", d.code);
        }
        assert!(demo.people.iter().any(|p| p.role == Role::Coordinator));
        let mut logins: Vec<_> = demo.people.iter().map(|p| &p.login).collect();
        logins.sort();
        logins.dedup();
        assert_eq!(logins.len(), demo.people.len(), "logins are unique");
    }

    #[test]
    fn records_are_consistent_histories() {
        let demo = Demo::new(7);
        let now = NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("date");
        let cal = Calendar::china();
        let rules = ResponseRules::default();
        let mut stages = std::collections::HashSet::new();
        for i in 0..400 {
            let r = demo.record(i, 400, now, &cal, &rules);
            stages.insert(r.issue.status);
            assert!(r.issue.proposed_at <= now);
            assert!(r.events.windows(2).all(|w| w[0].at <= w[1].at), "events in time order");
            assert!(r.events.iter().all(|e| e.at <= now));
            assert_eq!(r.events[0].kind, EventKind::Registered);
            if r.issue.status == Status::Archived {
                assert!(r.issue.retrospective.is_some() && r.issue.resolution.is_some());
                assert!(r.tasks.iter().all(|t| t.state == TaskState::Done));
            }
            assert_eq!(r.issue.first_response_at.is_some(), r.issue.status != Status::Registered);
        }
        assert_eq!(stages.len(), Status::ALL.len(), "every stage appears: {stages:?}");
    }
}

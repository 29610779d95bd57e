//! The demo company: eight departments and their people, with names that do not collide within
//! a department and seldom across the company.

use std::collections::HashSet;

use super::Rng;
use crate::domain::{Department, Person, Role};

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

/// People per department.
const STAFF: usize = 6;

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
    ("hu", "胡"),
    ("zhu", "朱"),
    ("gao", "高"),
    ("lin", "林"),
    ("he", "何"),
    ("guo", "郭"),
    ("ma", "马"),
    ("luo", "罗"),
    ("liang", "梁"),
    ("song", "宋"),
    ("zheng", "郑"),
    ("xie", "谢"),
    ("han", "韩"),
    ("tang", "唐"),
    ("feng", "冯"),
    ("yu", "于"),
    ("dong", "董"),
    ("xiao", "萧"),
    ("cheng", "程"),
    ("cao", "曹"),
    ("yuan", "袁"),
    ("deng", "邓"),
    ("fu", "傅"),
    ("shen", "沈"),
    ("zeng", "曾"),
    ("peng", "彭"),
    ("lv", "吕"),
    ("su", "苏"),
    ("jiang", "蒋"),
    ("cai", "蔡"),
    ("jia", "贾"),
    ("ding", "丁"),
    ("wei", "魏"),
    ("xue", "薛"),
    ("ye", "叶"),
    ("yan", "阎"),
];

/// Two-character given names, with their pinyin.
const GIVEN: &[(&str, &str)] = &[
    ("jianguo", "建国"),
    ("xiaomei", "晓梅"),
    ("zhiqiang", "志强"),
    ("lijuan", "丽娟"),
    ("haitao", "海涛"),
    ("yuxuan", "宇轩"),
    ("jingwen", "静雯"),
    ("wenbo", "文博"),
    ("xinyi", "欣怡"),
    ("zihan", "子涵"),
    ("junjie", "俊杰"),
    ("yating", "雅婷"),
    ("guangming", "光明"),
    ("shuhua", "淑华"),
    ("dawei", "大伟"),
    ("xiaolong", "晓龙"),
    ("meiling", "美玲"),
    ("hongyan", "红艳"),
    ("jiahui", "佳慧"),
    ("tianyu", "天宇"),
    ("mingyuan", "明远"),
    ("ruixue", "瑞雪"),
    ("zhenyu", "振宇"),
    ("chunyan", "春燕"),
    ("kaiwen", "凯文"),
    ("yifan", "一帆"),
    ("siqi", "思琪"),
    ("haoran", "浩然"),
    ("lina", "丽娜"),
    ("xiaodong", "晓东"),
    ("guohua", "国华"),
    ("yanping", "燕萍"),
    ("zhiyuan", "志远"),
    ("wenjing", "文静"),
    ("pengfei", "鹏飞"),
    ("xueqin", "雪琴"),
    ("jianhua", "建华"),
    ("shanshan", "珊珊"),
    ("yongkang", "永康"),
    ("huimin", "慧敏"),
    ("qiming", "启明"),
    ("lanlan", "兰兰"),
    ("zhihao", "志豪"),
    ("yuqing", "雨晴"),
    ("dongmei", "冬梅"),
    ("chenguang", "晨光"),
    ("xiaoyu", "晓雨"),
    ("weidong", "卫东"),
    ("jiayi", "佳怡"),
    ("shuai", "帅"),
    ("lei", "磊"),
    ("jing", "静"),
    ("tao", "涛"),
    ("fang", "芳"),
];

/// The departments and their people, deterministic for a seed. Logins are pinyin (with a digit
/// where two people would share one); display names are unique in the whole company.
pub fn company(rng: &mut Rng) -> (Vec<Department>, Vec<Person>) {
    let mut people = Vec::new();
    let mut departments = Vec::new();
    let mut names = HashSet::new();
    let mut logins = HashSet::new();
    for (d, (code, name)) in DEPARTMENTS.iter().enumerate() {
        let mut head = None;
        for k in 0..STAFF {
            let ((sp, sz), (gp, gz)) = loop {
                let s = *rng.pick(SURNAMES);
                // Single-character given names are the rarer kind.
                let g = if rng.chance(85) { *rng.pick(&GIVEN[..GIVEN.len() - 5]) } else { *rng.pick(GIVEN) };
                if names.insert(format!("{}{}", s.1, g.1)) {
                    break (s, g);
                }
            };
            let mut login = format!("{sp}{gp}");
            let mut n = 2;
            while !logins.insert(login.clone()) {
                login = format!("{sp}{gp}{n}");
                n += 1;
            }
            let role = match k {
                1 if d % 3 == 2 => Role::Coordinator,
                5 if d % 4 == 3 => Role::Viewer,
                _ => Role::Member,
            };
            head.get_or_insert_with(|| login.clone());
            people.push(Person { login, display_name: format!("{sz}{gz}"), dept: code.to_string(), role });
        }
        departments.push(Department { code: code.to_string(), name: name.to_string(), head });
    }
    (departments, people)
}

/// The Chinese name of a department code of the demo.
pub fn dept_name(code: &str) -> &'static str {
    DEPARTMENTS.iter().find(|(c, _)| *c == code).map_or("相关部门", |(_, n)| n)
}

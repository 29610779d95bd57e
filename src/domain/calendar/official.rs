//! The official mainland China schedule shipped with the product, parsed from its TOML asset.

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{CalendarDay, iso_date};

pub(super) const CN_ASSET: &str = include_str!("../../../assets/calendar/cn.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Asset {
    year: Vec<AssetYear>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssetYear {
    pub(super) year: i32,
    pub(super) holidays: Vec<AssetRange>,
    #[serde(default)]
    pub(super) workdays: Vec<AssetDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssetRange {
    pub(super) name: String,
    #[serde(with = "iso_date")]
    pub(super) from: NaiveDate,
    #[serde(with = "iso_date")]
    pub(super) to: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssetDay {
    pub(super) name: String,
    #[serde(with = "iso_date")]
    pub(super) date: NaiveDate,
}

impl AssetYear {
    /// Every day of the year's notice: each holiday range day by day, then the make-up days.
    pub(super) fn days(&self) -> impl Iterator<Item = CalendarDay> + '_ {
        let holidays = self.holidays.iter().flat_map(|range| {
            range
                .from
                .iter_days()
                .take_while(|d| *d <= range.to)
                .map(|d| CalendarDay::holiday(d, &range.name))
        });
        holidays.chain(self.workdays.iter().map(|day| CalendarDay::workday(day.date, &day.name)))
    }
}

pub(super) fn parse_asset(text: &str) -> Result<Vec<AssetYear>, String> {
    let asset: Asset = toml::from_str(text).map_err(|e| e.to_string())?;
    if asset.year.is_empty() {
        return Err("no [[year]] entries".into());
    }
    for year in &asset.year {
        if let Some(range) = year.holidays.iter().find(|r| r.from > r.to) {
            return Err(format!("{}: {} ends before it starts", year.year, range.name));
        }
    }
    Ok(asset.year)
}

struct Official {
    years: RangeInclusive<i32>,
    days: Vec<CalendarDay>,
}

fn official() -> &'static Official {
    static OFFICIAL: OnceLock<Official> = OnceLock::new();
    OFFICIAL.get_or_init(|| {
        let years =
            parse_asset(CN_ASSET).unwrap_or_else(|e| panic!("assets/calendar/cn.toml is malformed: {e}"));
        let first = years.iter().map(|y| y.year).min().unwrap_or_default();
        let last = years.iter().map(|y| y.year).max().unwrap_or_default();
        let mut days: Vec<CalendarDay> = years.iter().flat_map(AssetYear::days).collect();
        days.sort_by_key(|day| day.date);
        Official { years: first..=last, days }
    })
}

/// The official schedule shipped with the product, parsed from the asset (panics only if the
/// compiled-in asset is malformed, which a test guards). In date order.
pub fn official_china_days() -> Vec<CalendarDay> {
    official().days.clone()
}

/// The years the asset covers, e.g. 2015..=2026.
pub fn official_china_years() -> RangeInclusive<i32> {
    official().years.clone()
}

//! What the console can be asked to do, where, and how each thing is said.

use super::View;
use crate::i18n::Lang;
use crate::tui::form::FormKind;

/// Everything the console does in response to a key. Which of them a key can mean depends on
/// where the key goes (its [`Context`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // The main screen.
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Open,
    Back,
    Search,
    CycleSort,
    Help,
    Refresh,
    Palette,
    Filter,
    ToggleMouse,
    /// Opens an action's form on the selected issue (or the registration form).
    Form(FormKind),
    /// The actions the selected issue allows now, each with its key.
    Actions,
    /// Find an issue by its number or title and show its record.
    GoTo,
    Undo,
    Copy,
    CopySummary,
    /// Saves the record's attachments into the directory liaison was started in.
    SaveAttachments,
    View(u8),
    /// The Reports view: how well the departments keep the template's promises.
    Reports,
    /// In the Reports view: the period before or after the one shown, or another length.
    PeriodEarlier,
    PeriodLater,
    PeriodLength,

    // Overlays: forms, pickers, the palette, the search line, dialogs and the help.
    /// Submits the form.
    Submit,
    /// Closes what is open: a form (twice when something was typed), a picker, the palette, the
    /// search line (clearing it), a dialog, the help.
    Cancel,
    NextField,
    PrevField,
    /// Edits the focused field in `$VISUAL`/`$EDITOR`.
    ExternalEditor,
    /// Takes the highlighted entry of a picker or the palette.
    Choose,
    /// Chooses or un-chooses the highlighted entry of a picker of several.
    Toggle,
    /// Leaves the search line, keeping the search.
    Done,
    Overwrite,
    KeepAsComment,
    Discard,
    Yes,
    No,
    RestoreDraft,
    DiscardDraft,
    Later,

    // Editing a line of text: in forms, the search line, the palette and pickers.
    CharLeft,
    CharRight,
    WordLeft,
    WordRight,
    LineStart,
    LineEnd,
    DeleteToStart,
    DeleteToEnd,
    DeleteWord,
    EditUndo,
    EditRedo,
}

/// Where a key goes: the main screen, or the overlay on top of it. Each has its own table of
/// keys, its own hints and its own section of the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Main,
    Form,
    Picker,
    Palette,
    Search,
    /// Editing text; the contexts that take typing fall back to it.
    Line,
    Conflict,
    Confirm,
    Restore,
    Help,
}

impl Context {
    /// In the order the help shows them (after the one it was opened from).
    pub const ALL: [Context; 10] = [
        Context::Main,
        Context::Form,
        Context::Picker,
        Context::Line,
        Context::Search,
        Context::Palette,
        Context::Conflict,
        Context::Confirm,
        Context::Restore,
        Context::Help,
    ];

    /// The name of its table in the configuration (`[keys.form]`); the main screen's actions are
    /// named directly in `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Main => "main",
            Context::Form => "form",
            Context::Picker => "picker",
            Context::Palette => "palette",
            Context::Search => "search",
            Context::Line => "line",
            Context::Conflict => "conflict",
            Context::Confirm => "confirm",
            Context::Restore => "restore",
            Context::Help => "help",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name.trim().to_ascii_lowercase())
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Context::Main => lang.pick("Main screen", "主界面"),
            Context::Form => lang.pick("Forms", "表单"),
            Context::Picker => lang.pick("Pick lists in forms", "表单中的选择列表"),
            Context::Palette => lang.pick("Command palette and menus", "命令面板与菜单"),
            Context::Search => lang.pick("Search line", "搜索栏"),
            Context::Line => lang.pick(
                "Editing text (forms, search, palette, pick lists)",
                "编辑文字（表单、搜索、命令面板、选择列表）",
            ),
            Context::Conflict => lang.pick("Changed meanwhile", "期间已被修改"),
            Context::Confirm => lang.pick("Confirmation", "确认"),
            Context::Restore => lang.pick("Draft left unsaved", "未保存的草稿"),
            Context::Help => lang.pick("This help", "本帮助"),
        }
    }

    /// Whether typing goes into a line of text here, so the text-editing keys apply after the
    /// context's own.
    pub fn edits_text(self) -> bool {
        matches!(self, Context::Form | Context::Picker | Context::Palette | Context::Search)
    }

    /// The actions this context knows, in the order the help lists them.
    pub fn actions(self) -> Vec<Action> {
        use Action::*;
        match self {
            Context::Main => {
                let mut all = vec![
                    Quit, Up, Down, PageUp, PageDown, Top, Bottom, NextPane, PrevPane, Open, Back, Search,
                    CycleSort, Filter, Actions, GoTo,
                ];
                all.extend(FormKind::ALL.into_iter().map(Form));
                all.extend([Undo, Copy, CopySummary, SaveAttachments, Palette, Help, Refresh, ToggleMouse]);
                all.extend((1..=super::View::ALL.len() as u8).map(Action::View));
                all.extend([Reports, PeriodEarlier, PeriodLater, PeriodLength]);
                all
            }
            Context::Form => vec![Submit, NextField, PrevField, Down, Up, ExternalEditor, Cancel, Help],
            Context::Picker => vec![Choose, Toggle, Down, Up, NextField, PrevField, Cancel, Help],
            Context::Palette => vec![Choose, Down, Up, Cancel, Help],
            Context::Search => vec![Done, Down, Up, Cancel, Help],
            Context::Line => vec![
                CharLeft,
                CharRight,
                WordLeft,
                WordRight,
                LineStart,
                LineEnd,
                DeleteToStart,
                DeleteToEnd,
                DeleteWord,
                EditUndo,
                EditRedo,
            ],
            Context::Conflict => vec![Overwrite, KeepAsComment, Discard, Cancel, Help],
            Context::Confirm => vec![Yes, No],
            Context::Restore => vec![RestoreDraft, DiscardDraft, Later],
            Context::Help => vec![Down, Up, PageDown, PageUp, Cancel],
        }
    }

    /// The actions the status bar (or the overlay's own hint line) names here.
    pub fn hinted(self) -> &'static [Action] {
        use Action::*;
        match self {
            // The main screen's hints follow the focused pane (see the status bar).
            Context::Main | Context::Line => &[],
            Context::Form => &[NextField, Submit, ExternalEditor, Cancel, Help],
            Context::Picker => &[Toggle, Choose, Cancel, Help],
            Context::Palette => &[Choose, Down, Cancel, Help],
            Context::Search => &[Done, Down, DeleteToStart, Cancel, Help],
            Context::Conflict => &[Overwrite, KeepAsComment, Discard, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Restore => &[RestoreDraft, DiscardDraft, Later],
            Context::Help => &[Down, PageDown, Cancel],
        }
    }
}

impl Action {
    /// What the action does, for the help and the palette.
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            Action::Quit => lang.pick("quit", "退出"),
            Action::Up => lang.pick("up", "上移"),
            Action::Down => lang.pick("down", "下移"),
            Action::PageUp => lang.pick("page up", "上翻页"),
            Action::PageDown => lang.pick("page down", "下翻页"),
            Action::Top => lang.pick("first", "首项"),
            Action::Bottom => lang.pick("last", "末项"),
            Action::NextPane => lang.pick("next pane", "下一窗格"),
            Action::PrevPane => lang.pick("previous pane", "上一窗格"),
            Action::Open => lang.pick("open", "打开"),
            Action::Back => lang.pick("back", "返回"),
            Action::Search => lang.pick("search", "搜索"),
            Action::CycleSort => lang.pick("sort", "排序"),
            Action::Help => lang.pick("help", "帮助"),
            Action::Refresh => lang.pick("refresh", "刷新"),
            Action::Palette => lang.pick("command palette", "命令面板"),
            Action::Filter => lang.pick("filter by department or priority", "按部门或优先级筛选"),
            Action::ToggleMouse => lang.pick("mouse on/off", "开关鼠标"),
            Action::Form(kind) => kind.action().label(lang),
            Action::Actions => lang.pick("actions on this issue", "对此问题的操作"),
            Action::GoTo => lang.pick("go to an issue by number or title", "按编号或标题跳转"),
            Action::Undo => lang.pick("undo the last change", "撤销上一次修改"),
            Action::Copy => lang.pick("copy the issue number", "复制问题编号"),
            Action::CopySummary => lang.pick("copy a one-line summary", "复制一行摘要"),
            Action::SaveAttachments => lang.pick("save the attachments here", "保存附件到当前目录"),
            Action::View(n) => View::from_key(n).map_or("", |v| v.label(lang)),
            Action::Reports => lang.pick("Reports", "报表"),
            Action::PeriodEarlier => lang.pick("reports: earlier period", "报表：上一期间"),
            Action::PeriodLater => lang.pick("reports: later period", "报表：下一期间"),
            Action::PeriodLength => {
                lang.pick("reports: period of 4/12/26/52 weeks", "报表：期间 4/12/26/52 周")
            }
            Action::Submit => lang.pick("submit the form", "提交表单"),
            Action::Cancel => lang.pick("cancel or close", "取消或关闭"),
            Action::NextField => lang.pick("next field", "下一项"),
            Action::PrevField => lang.pick("previous field", "上一项"),
            Action::ExternalEditor => lang.pick("edit the field in $EDITOR", "在 $EDITOR 中编辑该字段"),
            Action::Choose => lang.pick("take the highlighted entry", "选取高亮项"),
            Action::Toggle => {
                lang.pick("choose or un-choose (lists of several)", "选中或取消选中（可多选时）")
            }
            Action::Done => lang.pick("keep the search, back to the list", "保留搜索结果，返回列表"),
            Action::Overwrite => {
                lang.pick("overwrite: save mine on top of theirs", "覆盖：在对方修改之上保存我的内容")
            }
            Action::KeepAsComment => {
                lang.pick("keep mine as a comment on the issue", "保留为评论：把我的内容存为该问题的评论")
            }
            Action::Discard => lang.pick("discard mine", "丢弃我的内容"),
            Action::Yes => lang.pick("yes, go ahead", "是，继续"),
            Action::No => lang.pick("no, back to the form", "否，返回表单"),
            Action::RestoreDraft => lang.pick("restore the draft", "恢复草稿"),
            Action::DiscardDraft => lang.pick("discard the draft", "丢弃草稿"),
            Action::Later => {
                lang.pick("decide later (offered again next time)", "稍后再说（下次启动时再次提示）")
            }
            Action::CharLeft => {
                lang.pick("a character left (a choice: the previous one)", "左移一个字（选项：上一个）")
            }
            Action::CharRight => {
                lang.pick("a character right (a choice: the next one)", "右移一个字（选项：下一个）")
            }
            Action::WordLeft => lang.pick("a word left", "左移一个词"),
            Action::WordRight => lang.pick("a word right", "右移一个词"),
            Action::LineStart => lang.pick("to the start of the line", "移到行首"),
            Action::LineEnd => lang.pick("to the end of the line", "移到行尾"),
            Action::DeleteToStart => lang.pick("delete to the start of the line", "删除到行首"),
            Action::DeleteToEnd => lang.pick("delete to the end of the line", "删除到行尾"),
            Action::DeleteWord => lang.pick("delete the word before the cursor", "删除光标前的词"),
            Action::EditUndo => lang.pick("undo typing", "撤销输入"),
            Action::EditRedo => lang.pick("redo typing", "重做输入"),
        }
    }

    /// What the action does in one context, where that says more than `describe`.
    pub fn describe_in(self, context: Context, lang: Lang) -> &'static str {
        match (context, self) {
            (Context::Form, Action::Cancel) => {
                lang.pick("cancel (press twice when something is typed)", "取消（已输入内容时需按两次）")
            }
            (Context::Form, Action::Down) => lang
                .pick("next field (in text of several lines: a line down)", "下一项（多行文字中：下一行）"),
            (Context::Form, Action::Up) => lang
                .pick("previous field (in text of several lines: a line up)", "上一项（多行文字中：上一行）"),
            (Context::Picker, Action::Choose) => {
                lang.pick("choose (lists of several: done)", "选择（可多选时：完成）")
            }
            (Context::Picker | Context::Palette | Context::Help, Action::Cancel) => {
                lang.pick("close", "关闭")
            }
            (Context::Palette, Action::Choose) => lang.pick("run the highlighted entry", "执行高亮项"),
            (Context::Search, Action::Cancel) => lang.pick("clear the search and close it", "清除搜索并关闭"),
            (Context::Search, Action::Down) => lang.pick("next issue in the list", "列表中的下一个问题"),
            (Context::Search, Action::Up) => lang.pick("previous issue in the list", "列表中的上一个问题"),
            (Context::Conflict, Action::Cancel) => lang.pick("back to the form", "返回表单"),
            _ => self.describe(lang),
        }
    }

    /// One or two words for the hints.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Action::Actions => lang.pick("actions", "操作"),
            Action::Filter => lang.pick("filter", "筛选"),
            Action::Palette => lang.pick("commands", "命令"),
            Action::NextPane => lang.pick("pane", "窗格"),
            Action::PeriodEarlier => lang.pick("earlier", "上期"),
            Action::PeriodLater => lang.pick("later", "下期"),
            Action::PeriodLength => lang.pick("weeks", "周数"),
            Action::Submit => lang.pick("submit", "提交"),
            Action::Cancel => lang.pick("cancel", "取消"),
            Action::NextField => lang.pick("next", "下一项"),
            Action::PrevField => lang.pick("previous", "上一项"),
            Action::ExternalEditor => "$EDITOR",
            Action::Choose => lang.pick("choose", "选择"),
            Action::Toggle => lang.pick("choose", "选择"),
            Action::Done => lang.pick("done", "完成"),
            Action::Overwrite => lang.pick("overwrite", "覆盖"),
            Action::KeepAsComment => lang.pick("as comment", "存为评论"),
            Action::Discard => lang.pick("discard", "丢弃"),
            Action::Yes => lang.pick("yes", "是"),
            Action::No => lang.pick("no", "否"),
            Action::RestoreDraft => lang.pick("restore", "恢复"),
            Action::DiscardDraft => lang.pick("discard", "丢弃"),
            Action::Later => lang.pick("later", "稍后再说"),
            Action::DeleteToStart => lang.pick("clear", "清空"),
            other => other.describe(lang),
        }
    }

    /// `short`, as one context says it.
    pub fn short_in(self, context: Context, lang: Lang) -> &'static str {
        match (context, self) {
            (Context::Picker | Context::Palette | Context::Help, Action::Cancel) => {
                lang.pick("close", "关闭")
            }
            (Context::Search, Action::Cancel) => lang.pick("clear", "清除"),
            (Context::Search, Action::Down) => lang.pick("list", "列表"),
            (Context::Conflict, Action::Cancel) => lang.pick("back", "返回"),
            (Context::Palette, Action::Choose) => lang.pick("run", "执行"),
            (Context::Palette | Context::Help, Action::Down) => lang.pick("next", "下一个"),
            (Context::Picker, Action::Choose) => lang.pick("done", "完成"),
            (Context::Help, Action::PageDown) => lang.pick("page", "翻页"),
            _ => self.short(lang),
        }
    }

    /// The name used in the configuration file's `[keys]` tables.
    pub fn name(self) -> String {
        match self {
            Action::View(n) => format!("view{n}"),
            Action::Form(kind) => kind.name().to_string(),
            other => {
                let debug = format!("{other:?}");
                let mut name = String::new();
                for (i, c) in debug.chars().enumerate() {
                    if c.is_ascii_uppercase() && i > 0 {
                        name.push('_');
                    }
                    name.push(c.to_ascii_lowercase());
                }
                name
            }
        }
    }

    /// Every action of the main screen, views included, in the order help and the palette show
    /// them.
    pub fn all() -> Vec<Action> {
        Context::Main.actions()
    }
}

//! One integration-test binary (see STYLE.md §5): modules by subject.

mod briefings;
mod chats_move;
mod cli;
mod fake;
mod golden;
mod lang;
mod matcher;
mod operator;
mod process;
mod properties;
mod question_sets;
mod stopping;
mod support;
mod telegram;
mod tidy;
mod truth;
mod validation;

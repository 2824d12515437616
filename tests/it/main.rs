//! One integration-test binary (see STYLE.md §5): modules by subject.

mod briefings;
mod chats_move;
mod cli;
mod fake;
mod golden;
mod lang;
mod matcher;
mod operator;
mod pg;
mod process;
mod properties;
mod question_sets;
mod replicas;
mod stopping;
mod store_contract;
mod support;
mod telegram;
mod tidy;
mod truth;
mod validation;

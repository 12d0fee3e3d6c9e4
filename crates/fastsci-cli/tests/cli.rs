//! The command-line contract of DESIGN.md: help, version, exit codes and one-line errors.

use std::process::{Command, Output};

fn fastsci(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("the fastsci binary runs")
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_lists_every_subcommand_with_one_line_each() {
    let out = fastsci(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "tour", "run", "quad", "diff", "minimize", "fit", "root", "eval", "stats", "random", "sparse",
        "spmv", "solve", "sweep", "pipeline",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(&format!("{sub} "))),
            "missing {sub} in:\n{help}"
        );
    }
}

#[test]
fn version_prints_the_crate_version() {
    let out = fastsci(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_subcommand_is_one_line_and_exit_2() {
    let out = fastsci(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("frobnicate"), "{err}");
}

#[test]
fn bad_flag_is_one_line_and_exit_2() {
    let out = fastsci(&["tour", "--only", "9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out).trim_end().lines().count(), 1);
    let out = fastsci(&["tour", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out).trim_end().lines().count(), 1);
}

#[test]
fn missing_subcommand_shows_help_and_exits_2() {
    let out = fastsci(&[]);
    assert_eq!(out.status.code(), Some(2));
}

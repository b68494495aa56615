//! The command line: parses arguments, runs the pipeline, prints diagnostics, picks the exit code.
//! Exit codes: 0 success, 1 errors in the site (or warnings with --deny-warnings), 2 bad usage.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use guidegen::diagnostics::{self, Diagnostic, SourceMap};
use guidegen::{site, write};

#[derive(Parser)]
#[command(
    name = "guidegen",
    version,
    about = "Build a static step-by-step guide site from YAML rules and Markdown guides"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced whole, only when the build succeeds).
    Build(BuildArgs),
    /// Validate content and templates, render every page in memory and check every link.
    Check(CheckArgs),
    /// Build, serve the site and rebuild it on every save, reloading open pages.
    Serve(ServeArgs),
    /// Write the JSON Schemas of the content files (for editors) into a folder.
    Schema(SchemaArgs),
    /// Start a new site in DIR: every content file with commented examples, ready to edit.
    Init(InitArgs),
    /// Work with the site's theme (`guidegen theme eject`).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Show what readers would see change: this site against OLD (a site folder or a published
    /// rules.json), or this site between two days (--from, --to).
    Diff(DiffArgs),
}

#[derive(Args)]
struct InitArgs {
    /// The folder for the new site (made if missing; must be empty unless --force).
    dir: PathBuf,
    /// The site's title (default: an example title in the site's language).
    #[arg(long)]
    title: Option<String>,
    /// The site's language: the starter's text and the interface words.
    #[arg(long = "lang", default_value = "zh-CN", value_parser = ["zh-CN", "en"])]
    language: String,
    /// Write into a folder that is not empty (files with the same names are replaced).
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme (templates, static files, labels.yaml in the site's language)
    /// into themes/<theme>/ of the site, to change its words and look.
    Eject(EjectArgs),
}

#[derive(Args)]
struct EjectArgs {
    /// The site folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Replace files already in the theme folder.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct DiffArgs {
    /// The site or rules.json to compare with (the published one); left out, give --from and --to.
    old: Option<PathBuf>,
    #[command(flatten)]
    site: SiteArgs,
    /// With --to: compare this site's rules on this day (YYYY-MM-DD) ...
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to", conflicts_with = "old")]
    from: Option<NaiveDate>,
    /// ... with its rules on this day.
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
    /// `text` for people, `json` for tools.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on; anything but loopback exposes the site to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Poll for changes instead of using file-system events (network mounts, WSL, containers).
    #[arg(long)]
    poll: bool,
}

#[derive(Args)]
struct SchemaArgs {
    /// Where to write the `*.schema.json` files.
    #[arg(long, default_value = "docs/schema", value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder (holding content/ and optionally themes/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The date deadlines are counted from, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Build the site as its rules stood on this day, YYYY-MM-DD (default: --today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site (default: DIR/output).
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// `text` for people (on stderr), `json` for tools: one JSON object on stdout, the same exit code.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Schema(args) => schema(args),
        Command::Serve(args) => serve(args),
        Command::Diff(args) => diff(args),
        Command::Init(args) => init(args),
        Command::Theme(ThemeCommand::Eject(args)) => eject(args),
    }
}

fn init(args: InitArgs) -> ExitCode {
    let options = guidegen::scaffold::InitOptions {
        dir: args.dir.clone(),
        title: args.title,
        language: args.language,
        today: chrono::Local::now().date_naive(),
        force: args.force,
    };
    match guidegen::scaffold::init(&options) {
        Ok(written) => {
            let dir = display(&args.dir);
            println!(
                "made a new site in {dir} ({} files and the schemas in schema/)",
                written.len() - 1
            );
            println!("next: cd {dir} && guidegen serve   (then edit content/, the page reloads on save)");
            ExitCode::SUCCESS
        }
        Err(refused) => {
            report(&[refused], &SourceMap::default());
            ExitCode::from(1)
        }
    }
}

fn eject(args: EjectArgs) -> ExitCode {
    match guidegen::scaffold::eject_theme(&args.root, args.force) {
        Ok((folder, written)) => {
            println!(
                "copied the built-in theme into {} ({} files): change labels.yaml for the words, static/style.css for the look",
                display(&args.root.join(folder)),
                written.len()
            );
            ExitCode::SUCCESS
        }
        Err(refused) => {
            report(&[refused], &SourceMap::default());
            ExitCode::from(1)
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let options = guidegen::serve::ServeOptions {
        root: args.site.root.clone(),
        when: when(&args.site),
        bind: args.bind,
        port: args.port,
        poll: args.poll,
        color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match guidegen::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cannot_start) => {
            report(&[cannot_start], &SourceMap::default());
            ExitCode::from(1)
        }
    }
}

fn diff(args: DiffArgs) -> ExitCode {
    use guidegen::diff;
    let when = when(&args.site);
    let root = &args.site.root;
    let sides = match (&args.old, args.from, args.to) {
        (Some(old), _, _) => {
            let old = if old.is_dir() {
                diff::rules_of_site(old, when.today, when.as_of)
            } else {
                diff::rules_of_file(old)
            };
            old.and_then(|old| Ok((old, diff::rules_of_site(root, when.today, when.as_of)?)))
        }
        (None, Some(from), Some(to)) => diff::rules_of_site(root, when.today, from)
            .and_then(|old| Ok((old, diff::rules_of_site(root, when.today, to)?))),
        _ => {
            eprintln!("error: name the site or rules.json to compare with, or give --from DATE --to DATE");
            return ExitCode::from(2);
        }
    };
    match sides {
        Ok((old, new)) => {
            let found = diff::compare(&old, &new);
            let report = if args.format == "json" {
                diff::report::json(&found)
            } else {
                diff::report::text(&found)
            };
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(failed) => fail(&failed, "diff failed"),
    }
}

fn schema(args: SchemaArgs) -> ExitCode {
    match guidegen::schema::write_all(&args.out) {
        Ok(count) => {
            println!("wrote {count} schemas into {}", display(&args.out));
            ExitCode::SUCCESS
        }
        Err(cannot_write) => {
            report(&[cannot_write], &SourceMap::default());
            ExitCode::from(1)
        }
    }
}

fn when(args: &SiteArgs) -> site::When {
    let today = args.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    site::When {
        today,
        as_of: args.as_of.unwrap_or(today),
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let started = Instant::now();
    let root = &args.site.root;
    let output = args.output.clone().unwrap_or_else(|| root.join("output"));
    if let Err(refusal) = write::check_output_dir(root, &output) {
        report(&[refusal], &SourceMap::default());
        return ExitCode::from(1);
    }
    // A build killed between the fallback swap's two renames left no output: put the old back.
    write::recover(&output);
    // Each page is written into the staging folder as soon as it is rendered; the folder is
    // swapped in only when the whole build succeeded, and removed (when `staging` is dropped)
    // when it failed.
    let staging = write::Staging::new(&output);
    let mut rendered = match site::build_site(root, when(&args.site), &staging) {
        Ok(rendered) => rendered,
        Err(failed) => {
            drop(staging);
            return fail(&failed, "build failed; the previous output was left as it was");
        }
    };
    report(&rendered.warnings, &rendered.sources);
    // Every file's text, kept for quoting in diagnostics, is not needed any more.
    drop(std::mem::take(&mut rendered.sources));
    let swapping = Instant::now();
    if let Err(refused) = staging.finish() {
        report(&[refused], &SourceMap::default());
        return ExitCode::from(1);
    }
    if args.timings {
        let t = &rendered.timings;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "timings: load {:.1} ms, validate {:.1} ms, plan {:.1} ms, render {:.1} ms, search index {:.1} ms, write {:.1} ms",
            ms(t.load),
            ms(t.validate),
            ms(t.plan),
            ms(t.render),
            ms(t.search),
            // Pages are written as they are rendered: the writing spans the render, the index
            // and the swap.
            ms(t.render + t.search + swapping.elapsed())
        );
    }
    println!(
        "built {} pages ({} files) into {} in {} ms{}",
        rendered.pages,
        rendered.file_count,
        display(&output),
        started.elapsed().as_millis(),
        warning_suffix(&rendered.warnings)
    );
    ExitCode::SUCCESS
}

fn check(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let result = site::check_site(&args.site.root, when(&args.site));
    if args.format == "json" {
        return check_as_json(&result, args.deny_warnings);
    }
    match result {
        Ok(rendered) => {
            report(&rendered.warnings, &rendered.sources);
            println!(
                "checked {} pages, all links resolve, in {} ms{}",
                rendered.pages,
                started.elapsed().as_millis(),
                warning_suffix(&rendered.warnings)
            );
            if args.deny_warnings && !rendered.warnings.is_empty() {
                eprintln!("failing because of warnings (--deny-warnings)");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(failed) => fail(&failed, "check failed"),
    }
}

/// `check --format json`: the same verdict and exit code as the text, as one JSON object.
fn check_as_json(result: &Result<site::Rendered, site::Failed>, deny_warnings: bool) -> ExitCode {
    let (found, pages) = match result {
        Ok(rendered) => (&rendered.warnings, Some(rendered.pages)),
        Err(failed) => (&failed.diagnostics, None),
    };
    let ok = pages.is_some() && (!deny_warnings || found.is_empty());
    print!("{}", diagnostics::json(found, pages, ok));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fail(failed: &site::Failed, what: &str) -> ExitCode {
    report(&failed.diagnostics, &failed.sources);
    let errors = failed.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("{what}: {errors} error{}", if errors == 1 { "" } else { "s" });
    ExitCode::from(1)
}

fn report(found: &[Diagnostic], sources: &SourceMap) {
    if found.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diagnostics::render(found, sources, color));
}

fn warning_suffix(warnings: &[Diagnostic]) -> String {
    match warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".into(),
        n => format!(", {n} warnings"),
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

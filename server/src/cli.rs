//! The command line: `storefront serve` (default), `storefront migrate`,
//! `storefront seed-demo`, `storefront admin create`, `storefront reconcile`,
//! `storefront bench-search`, `storefront backup FILE`, `storefront restore FILE`.

use crate::config::Config;
use crate::startup::Application;
use app::db::Db;
use std::process::ExitCode;

const USAGE: &str = "usage: storefront [serve|migrate|seed-demo|reconcile|bench-search [--products N]|bench-checkout|bench-analytics [--events N]]\n       storefront backup FILE | restore FILE   (SQLite stores; stop the server before restoring)\n       storefront admin create --email EMAIL --role admin|marketing|sales [--password-stdin]";

/// The most threads for blocking work at once (see `main`).
const BLOCKING_THREADS: usize = 16;

/// glibc gives each thread that allocates under contention an arena of its own (up to
/// eight per core) and keeps what every arena once held, so under load the server's
/// memory grew with its worker and blocking threads. Two arenas held the same page flood
/// at 62 MB instead of 90 MB. Called before any thread starts; an operator's own
/// `MALLOC_ARENA_MAX` (glibc's variable, read by glibc itself) wins.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; no thread has started yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// glibc hands memory back to the system only from the top of an arena: what a burst of
/// requests freed below a block still in use stays resident. Measured on the page bench
/// (64 connections): the arenas held 73 MB while the live heap never passed 20 MB.
/// `malloc_trim` releases every free page; once a second it costs well under a
/// millisecond.
fn return_freed_memory_regularly() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    let _ = std::thread::Builder::new()
        .name("malloc-trim".into())
        .spawn(|| loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            // SAFETY: malloc_trim only returns free memory to the system.
            unsafe {
                libc::malloc_trim(0);
            }
        });
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("storefront: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&config.log_filter, config.json_logs);
    limit_malloc_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // File reads, compression, searches and password hashing run on blocking threads.
        // tokio allows 512: 64 visitors of a static file meant 40-odd threads, each with
        // its stack and buffers, for work two cores do no faster. These all finish, so
        // more of them only queue.
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(rt) => rt,
        Err(error) => {
            eprintln!("storefront: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let result = runtime.block_on(async {
        match command {
            "serve" => serve(&config).await,
            "migrate" => migrate(&config).await,
            "seed-demo" => seed_demo(&config).await,
            "admin" => admin(&config, &args[1..]).await,
            "reconcile" => reconcile(&config).await,
            "backup" | "restore" => match args.get(1) {
                Some(file) if command == "backup" => {
                    crate::backup::backup(&config, std::path::Path::new(file)).await?;
                    println!("backed up to {file}");
                    Ok(())
                }
                Some(file) => {
                    crate::backup::restore(&config, std::path::Path::new(file)).await?;
                    println!("restored from {file}");
                    Ok(())
                }
                None => Err(anyhow::anyhow!("{command} needs a FILE\n{USAGE}")),
            },
            "bench-search" => crate::seed::bench_search(&config, &args[1..]).await,
            "bench-checkout" => crate::bench::bench_checkout(&config).await,
            "bench-analytics" => crate::bench_analytics::bench_analytics(&config, &args[1..]).await,
            "help" | "--help" | "-h" => {
                println!("{USAGE}");
                Ok(())
            }
            other => Err(anyhow::anyhow!("unknown command \"{other}\"\n{USAGE}")),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("storefront: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    return_freed_memory_regularly();
    let app = Application::build(config).await?;
    app.run_until_stopped().await
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    println!("migrations applied");
    Ok(())
}

/// `storefront reconcile`: what the minute-by-minute task does, once, now.
async fn reconcile(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let stripe = config.stripe_provider()?;
    let done = app::checkout::reconcile::reconcile(
        &db,
        app::db::now_unix(),
        &config.public_url,
        stripe.as_ref(),
    )
    .await?;
    println!(
        "reconciled: {} paid order(s) completed, {} unpaid order(s) expired",
        done.completed, done.expired
    );
    if done.refunded > 0 {
        println!(
            "{} payment(s) for ended orders refunded automatically",
            done.refunded
        );
    }
    if done.unanswered > 0 {
        println!(
            "{} Stripe session(s) could not be checked (Stripe unreachable); run again later",
            done.unanswered
        );
    }
    Ok(())
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    match crate::seed::seed_demo_store(&db).await? {
        crate::seed::SeedOutcome::Seeded { products } => {
            println!("demo store loaded: {products} products")
        }
        crate::seed::SeedOutcome::AlreadyPresent { products } => {
            println!("the database already has {products} products; demo data not loaded again")
        }
    }
    Ok(())
}

/// `storefront admin create --email E --role R [--password-stdin]`: creates or promotes
/// a staff member. Prints a one-time password unless one is piped in on stdin.
async fn admin(config: &Config, args: &[String]) -> anyhow::Result<()> {
    use app::accounts::model::{Email, Password};
    use app::accounts::{password, repo};
    use app::request::StaffRole;
    use app::token;
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if args.first().map(String::as_str) != Some("create") {
        anyhow::bail!("unknown admin command\n{USAGE}");
    }
    let email = Email::parse(&value("--email").unwrap_or_default())
        .map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = value("--role")
        .as_deref()
        .and_then(StaffRole::parse)
        .ok_or_else(|| anyhow::anyhow!("--role must be admin, marketing or sales"))?;
    let (chosen, generated) = if args.iter().any(|a| a == "--password-stdin") {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (token::new_one_time_password(), true)
    };
    let password = Password::parse(&chosen).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let hash = password::hash_password(&password).await?;
    let (id, created) = repo::upsert_staff_user(&db, email.as_str(), &hash, role).await?;
    println!(
        "{} {} (user {id}) as {}.",
        if created { "Created" } else { "Updated" },
        email.as_str(),
        role.as_str()
    );
    if generated {
        println!("One-time password: {}", password.expose());
        println!(
            "Sign in at {}/login and change it under Account.",
            config.public_url
        );
    }
    Ok(())
}

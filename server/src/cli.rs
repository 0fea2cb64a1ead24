//! The command line: `storefront serve` (default), `storefront migrate`,
//! `storefront seed-demo`, `storefront bench-search`.

use crate::config::Config;
use crate::startup::Application;
use app::db::Db;
use std::process::ExitCode;

const USAGE: &str = "usage: storefront [serve|migrate|seed-demo|bench-search [--products N]]";

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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
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
            "bench-search" => crate::seed::bench_search(&config, &args[1..]).await,
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
    let app = Application::build(config).await?;
    app.run_until_stopped().await
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    println!("migrations applied");
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

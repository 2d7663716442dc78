//! `eksform schema`: prints the config's JSON Schema for editors. The schema is derived by the
//! config layer from its field table; this handler only prints it.

use eksform_core::config;

pub fn run() -> anyhow::Result<i32> {
    let schema = serde_json::to_string_pretty(&config::json_schema())?;
    println!("{schema}");
    Ok(0)
}

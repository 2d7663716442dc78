//! Fleets: several config files planned (and applied) together. This module expands `-f`
//! arguments into files, loads and validates every one before any AWS call, refuses two files
//! naming the same cluster, and plans every cluster concurrently from one loaded AWS
//! configuration (credentials resolved once, one HTTP client and so one connection pool).
//! It does not print: rendering is `render::fleet`'s, and the commands' wiring is `cli`'s.

use super::{OpsError, Prepared, connected, prepare_connected, read_config, region_of};
use crate::aws::Cloud;
use aws_config::SdkConfig;
use eksform_core::config::{self, Diagnostic, Diagnostics, Loaded, Severity};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One fleet member: a config file loaded and validated, its region decided.
pub struct Member {
    pub file: PathBuf,
    pub config: Vec<u8>,
    pub loaded: Loaded,
    pub region: String,
}

impl Member {
    pub fn cluster(&self) -> &str {
        &self.loaded.spec.name
    }

    /// The file as users named it, for headings and messages.
    pub fn shown(&self) -> String {
        self.file.display().to_string()
    }
}

/// One cluster's plan, or why it could not be made.
pub struct Planned {
    pub file: String,
    pub cluster: String,
    pub region: String,
    pub result: Result<Prepared, OpsError>,
}

/// The config files named by `-f` arguments: a file as is, a folder as every `*.yaml` and
/// `*.yml` directly in it (not recursive), sorted by file name.
pub fn files(args: &[PathBuf]) -> Result<Vec<PathBuf>, OpsError> {
    let mut out = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            out.push(arg.clone());
            continue;
        }
        let shown = arg.display();
        let entries = std::fs::read_dir(arg).map_err(|source| OpsError::Folder {
            folder: shown.to_string(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_yaml(p))
            .collect();
        if found.is_empty() {
            return Err(OpsError::EmptyFolder {
                folder: shown.to_string(),
            });
        }
        found.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        out.extend(found);
    }
    Ok(out)
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Loads and validates every file; every problem of every file is reported at once, and
/// nothing is returned (so nothing is planned) while any remains.
pub async fn load(files: &[PathBuf]) -> Result<Vec<Member>, OpsError> {
    let mut members = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for file in files {
        let read = read_config(file).and_then(|config| {
            let loaded = config::load_bytes(&file.display().to_string(), &config)?;
            Ok((config, loaded))
        });
        match read {
            Ok((config, loaded)) => members.push((file.clone(), config, loaded)),
            Err(OpsError::Config(Diagnostics(ds))) => errors.extend(ds),
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        return Err(OpsError::Config(Diagnostics(errors)));
    }
    let mut out = Vec::new();
    for (file, config, mut loaded) in members {
        let region = region_of(&loaded.spec, &file).await?;
        loaded.spec.region = Some(region.clone());
        out.push(Member {
            file,
            config,
            loaded,
            region,
        });
    }
    check_unique(&out)?;
    Ok(out)
}

/// Two files for one cluster would plan and apply against each other.
fn check_unique(members: &[Member]) -> Result<(), OpsError> {
    let mut seen: BTreeMap<(&str, &str), &Member> = BTreeMap::new();
    let mut errors = Vec::new();
    for m in members {
        let key = (m.cluster(), m.region.as_str());
        match seen.get(&key) {
            Some(first) => errors.push(Diagnostic {
                file: m.shown(),
                line: 1,
                col: 1,
                severity: Severity::Error,
                message: format!(
                    "cluster \"{}\" in {} is also named by {}: each cluster must have one config file",
                    m.cluster(),
                    m.region,
                    first.shown()
                ),
                path: "metadata.name".to_string(),
                hint: Some("give one of the files another metadata.name or region".to_string()),
            }),
            None => {
                seen.insert(key, m);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(OpsError::Config(Diagnostics(errors)))
    }
}

/// The AWS configuration every cluster of a fleet shares: credentials resolved once, one HTTP
/// client and so one connection pool.
pub async fn load_conf() -> Result<SdkConfig, OpsError> {
    Ok(Cloud::load_conf().await?)
}

/// Plans one member against the account.
pub async fn prepare(member: Member, conf: &SdkConfig) -> Result<Prepared, OpsError> {
    let cloud = Cloud::for_region(conf, &member.region);
    let mut prepared = prepare_connected(connected(member.config, member.loaded, cloud)).await?;
    // Every cluster of a fleet has a `cluster.main`: consent names the cluster too.
    eksform_core::plan::consent::qualify(&mut prepared.plan);
    Ok(prepared)
}

/// Plans every member concurrently; the result keeps the members' order, and one cluster's
/// failure does not stop the others.
pub async fn plan_all(members: Vec<Member>, conf: &SdkConfig) -> Vec<Planned> {
    let mut tasks = Vec::new();
    for m in members {
        let conf = conf.clone();
        let (file, cluster, region) = (m.shown(), m.cluster().to_string(), m.region.clone());
        let task = tokio::spawn(async move { prepare(m, &conf).await });
        tasks.push((file, cluster, region, task));
    }
    let mut out = Vec::new();
    for (file, cluster, region, task) in tasks {
        let result = task.await.unwrap_or_else(|source| {
            Err(OpsError::Stopped {
                cluster: cluster.clone(),
                source,
            })
        });
        out.push(Planned {
            file,
            cluster,
            region,
            result,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, cluster: &str, region: &str) -> PathBuf {
        let text = format!(
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {cluster}\n  region: {region}\n  version: \"1.34\"\navailabilityZones: [{region}a, {region}b]\n"
        );
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_folder_is_its_yaml_files_sorted_by_name_not_recursive() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.yml", "b", "us-east-1");
        write(dir.path(), "a.yaml", "a", "us-east-1");
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        write(&dir.path().join("sub"), "c.yaml", "c", "us-east-1");
        let extra = PathBuf::from("/elsewhere/z.yaml");
        let got = files(&[dir.path().to_path_buf(), extra.clone()]).unwrap();
        let names: Vec<_> = got.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["a.yaml", "b.yml", "z.yaml"]);
        assert_eq!(got[2], extra, "a file argument is kept as is");
    }

    #[test]
    fn an_empty_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = files(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(err.contains("no *.yaml or *.yml"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }

    #[tokio::test]
    async fn the_same_cluster_in_two_files_names_both() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.yaml", "shop", "us-east-1");
        let b = write(dir.path(), "b.yaml", "shop", "us-east-1");
        let c = write(dir.path(), "c.yaml", "shop", "eu-west-1");
        let err = match load(&[a.clone(), b.clone(), c]).await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("duplicate clusters accepted"),
        };
        assert!(
            err.contains(&format!("{}:1:1: error", b.display())),
            "{err}"
        );
        assert!(err.contains(&a.display().to_string()), "{err}");
        assert_eq!(err.matches("is also named by").count(), 1, "{err}");
    }

    #[tokio::test]
    async fn every_files_errors_are_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "a.yaml", "a", "us-east-1");
        let bad1 = dir.path().join("b.yaml");
        std::fs::write(
            &bad1,
            "kind: ClusterConfig\nmetadata: {name: b}\nbogus: 1\n",
        )
        .unwrap();
        let bad2 = dir.path().join("c.yaml");
        std::fs::write(&bad2, "metadata: [\n").unwrap();
        let err = match load(&[good, bad1.clone(), bad2.clone()]).await {
            Err(OpsError::Config(d)) => d.to_string(),
            Err(e) => panic!("not a config error: {e}"),
            Ok(_) => panic!("bad configs accepted"),
        };
        assert!(err.contains(&format!("{}:", bad1.display())), "{err}");
        assert!(err.contains(&format!("{}:", bad2.display())), "{err}");
    }
}

//! Test support: a moto server on a free loopback port, one per test, stopped on drop.
//! moto comes from the project's venv (`scripts/setup-moto`), or `$EKSFORM_MOTO_SERVER`. It is
//! started through `scripts/moto_server.py`, which registers `scripts/moto_ext/`'s additions (the
//! EKS, EC2, ELBv2, Auto Scaling and CloudFormation APIs moto lacks or models differently).
#![allow(dead_code)]

pub mod census;
pub mod eks_demo;
pub mod proxy;
pub mod run;
pub mod sdk;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub port: u16,
}

pub fn moto_server_path() -> PathBuf {
    if let Ok(p) = std::env::var("EKSFORM_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server")
}

/// The `eksform` binary to run: cargo's own path in integration tests; elsewhere (the
/// benchmark example, which cargo gives no `CARGO_BIN_EXE_*`) `$EKSFORM_BIN`, else the binary of
/// the profile the example runs from (`target/debug/examples/bench` -> `target/debug/eksform`).
pub fn eksform_bin() -> PathBuf {
    if let Some(p) = option_env!("CARGO_BIN_EXE_eksform") {
        return PathBuf::from(p);
    }
    if let Ok(p) = std::env::var("EKSFORM_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("the running executable's path");
    let profile_dir = exe.parent().and_then(|d| d.parent());
    profile_dir
        .expect("an executable inside a target profile directory")
        .join("eksform")
}

impl Moto {
    /// Starts moto and waits until it answers. Panics with the fix when moto is not installed.
    /// The port is picked free and then handed to moto, so another process may take it in
    /// between: a server that exits at once is started again on another port.
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto with launcher settings (`EKSFORM_MOTO_*`, read by scripts/moto_ext only).
    pub fn start_with(settings: &[(&str, &str)]) -> Moto {
        let bin = moto_server_path();
        assert!(
            bin.exists(),
            "moto is not installed at {}: run scripts/setup-moto first",
            bin.display()
        );
        let python = bin.with_file_name("python");
        let launcher = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/moto_server.py");
        for _ in 0..5 {
            let port = free_port();
            let child = Command::new(&python)
                .arg(&launcher)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .envs(settings.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto_server");
            let mut moto = Moto { child, port };
            if moto.wait_ready() {
                return moto;
            }
        }
        panic!("moto did not start after 5 tries");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// True once the server answers HTTP; false if it died (its port was taken).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if self.answers() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn answers(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let req = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        let mut buf = [0u8; 12];
        s.write_all(req.as_bytes()).is_ok()
            && s.read_exact(&mut buf).is_ok()
            && buf.starts_with(b"HTTP/1")
    }

    /// An SDK configuration pointing at this server with dummy static credentials, built the
    /// same way the standard chain would from `AWS_ENDPOINT_URL` and `AWS_ACCESS_KEY_ID`.
    pub async fn sdk_config(&self, region: &str) -> aws_config::SdkConfig {
        let creds =
            aws_credential_types::Credentials::new("testing", "testing", None, None, "test");
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_string()))
            .endpoint_url(self.endpoint())
            .credentials_provider(creds)
            .load()
            .await
    }

    /// Environment for running the `eksform` binary against this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("NO_COLOR", "1".into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

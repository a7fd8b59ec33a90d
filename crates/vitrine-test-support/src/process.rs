//! The real `vitrine` binary in child processes, for tests of the command line and of
//! several instances at once.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `vitrine` invocation with its global flags and environment.
#[derive(Debug, Clone)]
pub struct Vitrine {
    bin: PathBuf,
    global: Vec<String>,
    env: Vec<(String, String)>,
    /// Where `serve` writes its log; by default it is dropped.
    log: Option<PathBuf>,
}

impl Vitrine {
    /// `bin` is `env!("CARGO_BIN_EXE_vitrine")` in the binary's own tests.
    pub fn new(bin: impl Into<PathBuf>) -> Self {
        Self {
            bin: bin.into(),
            global: Vec::new(),
            env: Vec::new(),
            log: None,
        }
    }

    /// Keeps what `serve` writes to stderr (its log) in `path`.
    pub fn log_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.log = Some(path.into());
        self
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.global.push(arg.into());
        self
    }

    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    /// Credentials and endpoint for the loopback S3 test server.
    pub fn with_s3_endpoint(self, endpoint: &str) -> Self {
        self.env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_ACCESS_KEY_ID", "vitrine-test")
            .env("AWS_SECRET_ACCESS_KEY", "vitrine-test")
            .env("AWS_REGION", "us-east-1")
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.bin);
        command
            .args(&self.global)
            .env_remove("VITRINE_DATABASE_URL")
            .env_remove("VITRINE_STORE")
            .env_remove("VITRINE_DATA_DIR");
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Runs a command that must succeed and returns its trimmed stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.output(args);
        assert!(
            output.status.success(),
            "vitrine {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    pub fn output(&self, args: &[&str]) -> std::process::Output {
        self.command()
            .args(args)
            .output()
            .unwrap_or_else(|err| panic!("running {}: {err}", self.bin.display()))
    }

    /// Starts `serve` on a free loopback port and waits until `/readyz` answers.
    pub async fn serve(&self) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap_or_else(|err| panic!("free port: {err}"))
            .port();
        let listen = format!("127.0.0.1:{port}");
        let stderr = match &self.log {
            Some(path) => std::fs::File::create(path)
                .map(Stdio::from)
                .unwrap_or_else(|err| panic!("log file {}: {err}", path.display())),
            None => Stdio::null(),
        };
        let child = self
            .command()
            .args(["serve", "--listen", &listen])
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|err| panic!("starting serve: {err}"));
        let server = ServerProcess {
            child,
            base: format!("http://{listen}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = reqwest::get(server.url("/readyz")).await {
                if response.status() == 200 {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "vitrine on {listen} did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A running `vitrine serve`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /api/v1/gallery` with `file` and the given text fields; returns the item JSON
    /// and fails the test unless the upload answers 201.
    pub async fn upload(
        &self,
        key: &str,
        filename: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> serde_json::Value {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let file = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned());
        let response = reqwest::Client::new()
            .post(self.url("/api/v1/gallery"))
            .bearer_auth(key)
            .multipart(form.part("file", file))
            .send()
            .await
            .unwrap_or_else(|err| panic!("upload failed: {err}"));
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .unwrap_or_else(|err| panic!("not JSON: {err}"));
        assert_eq!(status, 201, "{body}");
        body
    }
}

impl ServerProcess {
    /// Sends SIGTERM, as a service manager stopping it does, and waits for it to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap_or_else(|err| panic!("kill: {err}"));
        assert!(sent.success(), "kill -TERM failed");
        self.child
            .wait()
            .unwrap_or_else(|err| panic!("waiting for the server: {err}"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET url` with a bearer credential, answered with JSON; fails the test otherwise.
pub async fn get_json(url: impl reqwest::IntoUrl, key: &str) -> serde_json::Value {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap_or_else(|err| panic!("request failed: {err}"));
    response
        .json()
        .await
        .unwrap_or_else(|err| panic!("not JSON: {err}"))
}

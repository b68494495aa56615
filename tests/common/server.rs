//! A running `guidegen serve` on a temporary copy of a fixture site, killed when dropped.
//! Each test file adds the requests it needs in its own `impl Server` block.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use super::{bin, copy_dir, fixture, TempDir, TODAY};

pub(crate) struct Server {
    pub child: Child,
    /// The host part of the URL the server printed (`127.0.0.1` unless `--bind` says otherwise).
    pub host: String,
    pub port: u16,
    /// Everything the server wrote to stderr so far (read on a thread).
    pub stderr: Arc<Mutex<String>>,
    pub site: TempDir,
}

impl Server {
    /// Starts `guidegen serve --port 0` on a copy of `fixture_name`, with `extra` arguments.
    pub(crate) fn start_with(fixture_name: &str, extra: &[&str]) -> Server {
        let site = TempDir::new("serve");
        copy_dir(&fixture(fixture_name), &site.path().join("site"));
        Server::start_in(site, extra)
    }

    /// Starts `guidegen serve --port 0` on the site in `site`'s folder `site/`.
    pub(crate) fn start_in(site: TempDir, extra: &[&str]) -> Server {
        let mut child = bin()
            .args(["serve", "--port", "0", "--today", TODAY, "--root"])
            .arg(site.path().join("site"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // "serving the site at http://HOST:PORT/ (Ctrl-C to stop)"
                if let Some(rest) = line.split("http://").nth(1) {
                    let address = rest.split('/').next().unwrap_or("");
                    if let Some((host, port)) = address.rsplit_once(':') {
                        let _ = sender.send((host.to_string(), port.parse::<u16>().ok()));
                    }
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut all = stderr.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        let (host, port) = match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok((host, Some(port))) => (host, port),
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "serve printed no URL within 30 s ({other:?}); stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        Server {
            child,
            host,
            port,
            stderr,
            site,
        }
    }

    /// The site folder the server watches (a copy, free to edit).
    pub(crate) fn root(&self) -> PathBuf {
        self.site.path().join("site")
    }

    /// The loopback address of the server: the only address tests ever connect to.
    pub(crate) fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

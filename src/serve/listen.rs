//! Choosing the address: the default port or the next free one, an
//! explicit port or a clear error, and the URL people open.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

/// The default port, as zola and hugo users expect from a preview server.
pub(crate) const DEFAULT_PORT: u16 = 1111;

/// Overrides [`DEFAULT_PORT`] (tests use it to make the default busy).
pub(crate) const DEFAULT_PORT_ENV: &str = "CROSSCHECK_SERVE_DEFAULT_PORT";

/// How many ports after a busy default are tried.
const TRIES: u16 = 100;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ListenError {
    #[error("port {} on {} is already in use", .addr.port(), .addr.ip())]
    Busy { addr: SocketAddr },
    #[error("no free port from {first} to {last} on {ip}")]
    NoFreePort { ip: IpAddr, first: u16, last: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },
}

impl ListenError {
    pub(crate) fn help(&self) -> Option<String> {
        match self {
            ListenError::Busy { .. } => Some(
                "another server is using it: choose another with --port N, or --port 0 for any free port"
                    .into(),
            ),
            ListenError::NoFreePort { .. } => Some("choose a port with --port N".into()),
            ListenError::Bind { addr, .. } if addr.is_ipv6() => {
                Some("is IPv6 enabled on this machine? --bind 127.0.0.1 uses IPv4".into())
            }
            ListenError::Bind { .. } => None,
        }
    }
}

/// A bound listener, and the port asked for when it was busy.
#[derive(Debug)]
pub(super) struct Bound {
    pub listener: TcpListener,
    pub addr: SocketAddr,
    pub busy: Option<u16>,
}

/// The default port: [`DEFAULT_PORT`] unless [`DEFAULT_PORT_ENV`] says
/// otherwise.
pub(super) fn default_port() -> u16 {
    std::env::var(DEFAULT_PORT_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_PORT)
}

/// Binds `ip:port`, or with no port the default or the next free one.
pub(super) fn bind(ip: IpAddr, port: Option<u16>) -> Result<Bound, ListenError> {
    let try_bind = |port: u16| {
        let addr = SocketAddr::new(ip, port);
        TcpListener::bind(addr)
            .map_err(|source| match source.kind() {
                io::ErrorKind::AddrInUse => ListenError::Busy { addr },
                _ => ListenError::Bind { addr, source },
            })
            .and_then(|l| {
                let addr = l
                    .local_addr()
                    .map_err(|source| ListenError::Bind { addr, source })?;
                Ok((l, addr))
            })
    };
    if let Some(port) = port {
        let (listener, addr) = try_bind(port)?;
        return Ok(Bound {
            listener,
            addr,
            busy: None,
        });
    }
    let first = default_port();
    let last = first.saturating_add(TRIES);
    for port in first..=last {
        match try_bind(port) {
            Ok((listener, addr)) => {
                return Ok(Bound {
                    listener,
                    addr,
                    busy: (port != first).then_some(first),
                });
            }
            Err(ListenError::Busy { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ListenError::NoFreePort { ip, first, last })
}

/// The URL to open for a listening address: IPv6 in brackets, and for an
/// address listening on every interface, the loopback one.
pub(super) fn url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    match (ip, addr) {
        // A zone (fe80::1%2) is written %25 in a URL (RFC 6874).
        (IpAddr::V6(v6), SocketAddr::V6(a)) if a.scope_id() != 0 => {
            format!("http://[{v6}%25{}]:{}/", a.scope_id(), addr.port())
        }
        _ => format!("http://{}/", SocketAddr::new(ip, addr.port())),
    }
}

/// Opens `url` in the default browser, without waiting for it.
pub(super) fn open_browser(url: &str) -> io::Result<()> {
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(windows)]
    let mut cmd = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    };
    #[cfg(not(any(target_os = "macos", windows)))]
    let mut cmd = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it whenever it ends, so it never lingers as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_bracket_ipv6_and_open_loopback_for_any_address() {
        let v4: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        assert_eq!(url(v4), "http://127.0.0.1:1111/");
        let v6: SocketAddr = "[::1]:8080".parse().unwrap();
        assert_eq!(url(v6), "http://[::1]:8080/");
        let any4: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(url(any4), "http://127.0.0.1:1111/");
        let any6: SocketAddr = "[::]:1111".parse().unwrap();
        assert_eq!(url(any6), "http://[::1]:1111/");
        let zoned = SocketAddr::V6(std::net::SocketAddrV6::new(
            "fe80::1".parse().unwrap(),
            80,
            0,
            3,
        ));
        assert_eq!(url(zoned), "http://[fe80::1%253]:80/");
    }

    #[test]
    fn an_explicit_busy_port_is_an_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), Some(port)).unwrap_err();
        assert!(matches!(err, ListenError::Busy { .. }), "{err}");
        assert!(err.to_string().contains(&port.to_string()));
        assert!(err.help().unwrap().contains("--port"));
    }

    #[test]
    fn port_zero_picks_a_free_port() {
        let b = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), Some(0)).unwrap();
        assert_ne!(b.addr.port(), 0);
        assert_eq!(b.busy, None);
    }
}

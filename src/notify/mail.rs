//! E-mail over SMTP (lettre, blocking): one message per person, plain text and HTML, STARTTLS
//! (`smtp://`, required except to a relay on this machine) or TLS (`smtps://`), with login.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use super::wire::{Outgoing, Refused, TIMEOUT, message_id};
use crate::domain::channel::Address;
use crate::store::ChannelSecret;

pub fn send_mail(c: &ChannelSecret, out: &Outgoing) -> Result<String, Refused> {
    let refuse = |answer: String| Refused { answer, retry: false };
    let a = Address::parse(&c.url).ok_or_else(|| refuse("the channel's address is not a URL".into()))?;
    let to = out.first.address.as_deref().ok_or_else(|| refuse("the message has no address".into()))?;
    let from: Mailbox =
        c.sender.as_deref().unwrap_or("").parse().map_err(|e| refuse(format!("--from: {e}")))?;
    let to: Mailbox = to.parse().map_err(|e| refuse(format!("address {to}: {e}")))?;
    let html = format!(
        "<html><body><div style=\"font-family:sans-serif;white-space:pre-wrap\">{}</div></body></html>",
        escape(&out.text).replace("**", "")
    );
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(out.subject.clone())
        .message_id(Some(format!("<{}@liaison>", message_id(out.first.id))))
        .multipart(MultiPart::alternative_plain_html(out.text.replace("**", ""), html))
        .map_err(|e| refuse(format!("the mail cannot be built: {e}")))?;
    let params = || TlsParameters::new(a.host.clone()).map_err(|e| refuse(format!("TLS: {e}")));
    let (tls, default_port) = match a.scheme.as_str() {
        "smtps" => (Tls::Wrapper(params()?), 465),
        _ if a.is_loopback() => (Tls::Opportunistic(params()?), 25),
        _ => (Tls::Required(params()?), 587),
    };
    let mut builder = SmtpTransport::builder_dangerous(a.host.trim_matches(['[', ']']))
        .port(a.port.unwrap_or(default_port))
        .tls(tls)
        .timeout(Some(TIMEOUT));
    if let Some(user) = a.user.as_deref().filter(|u| !u.is_empty()) {
        let user = user.replace("%40", "@");
        builder = builder.credentials(Credentials::new(user, c.secret.clone().unwrap_or_default()));
    }
    let transport = builder.build();
    match transport.send(&email) {
        Ok(resp) => Ok(format!("SMTP {} {}", resp.code(), resp.message().collect::<Vec<_>>().join(" "))),
        Err(e) => {
            // A permanent answer (5xx: no such mailbox, authentication refused) will not change.
            let retry = !e.is_permanent();
            Err(Refused { answer: format!("SMTP: {e}"), retry })
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

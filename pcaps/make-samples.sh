#!/bin/bash
# make-samples.sh - regenerate the sample captures in pcaps/ with REAL mail
# servers and clients talking over a private veth pair between two network
# namespaces.  One small .pcap per scenario; see pcaps/README for what each
# one holds and the verdict tlsfloor is expected to give.
#
# Run as root on Debian bookworm:   sudo pcaps/make-samples.sh
#
# Debian packages used: dovecot-imapd dovecot-pop3d postfix openssl curl
#   tcpdump tshark python3 (/usr/bin/python3) iproute2 ethtool
#   (ethtool was apt-get installed for this script: it turns checksum/
#   segmentation offload off on the veth so the captured packets carry real
#   checksums and MTU-sized segments).
#
# What it does:
#   * two namespaces tlsf-srv / tlsf-cli joined by a veth pair; only private
#     addresses: client 10.99.0.2 / fd99::2, servers
#       10.99.0.1 + fd99::1  "legacy"  TLS 1.0 .. 1.3 allowed
#       10.99.0.3            "modern"  TLS >= 1.2 only
#       10.99.0.4            "notls"   no TLS at all (dovecot ssl=no,
#                                      postfix smtpd_tls_security_level=none)
#       10.99.0.5            "capped"  TLS <= 1.1 (postfix) / <= 1.0 (dovecot)
#     No route leaves the two namespaces, so nothing can reach anything
#     outside the machine.
#   * a throw-away self-signed certificate and all server configs in a
#     temp dir (nothing under /etc is touched); four dovecot instances
#     (dovecot -c CONF) and one postfix instance (postfix -c DIR start).
#   * per scenario: tcpdump -U -w in the server namespace, wait until it is
#     listening, run one client in the client namespace, stop tcpdump with
#     SIGINT.
#   * finally every capture is read back with tshark and checked against the
#     expected verdict table at the end of this file (same table as README).
#
# Everything (servers, namespaces, temp dir) is removed on exit, so the
# script can be rerun.  OUT=dir overrides where the captures are written
# (default: the directory of this script).
#
# Groups of scenarios (all of them by default; --only GROUP makes just one,
# and then only its captures are written and verified):
#   standard   the 37 captures on the real mail ports (sections 1-10)
#   odd-ports  mail on non-standard ports (section 11): the legacy dovecot
#              also listens on 10143 (IMAP, STARTTLS), 10993 (IMAPS),
#              10110 (POP3, STLS) and 10995 (POP3S), the legacy postfix on
#              2525 (SMTP, STARTTLS).  The servers are the same in both
#              groups; the extra listeners do not change the standard ones.
#   fragmented the legacy dovecot reached through a router namespace whose
#              routes have a 576-byte MTU, DF cleared on both ends: the
#              router fragments every full-size segment (section 12)
#   credentials  clear-text logins (and ones that are not) by Python's
#              imaplib, poplib and smtplib against a server without TLS
#              that offers PLAIN, LOGIN, CRAM-MD5 and APOP (section 13):
#              dovecot "auth" on 10.99.0.6, postfix there with SASL
#              through that dovecot
#   e.g.  sudo pcaps/make-samples.sh --only odd-ports

set -euo pipefail

GROUPS_ALL=(standard odd-ports fragmented credentials)
GROUPS_RUN=("${GROUPS_ALL[@]}")
usage() {
    printf 'usage: %s [--only standard|odd-ports|fragmented|credentials]\n' "$0" >&2
    exit 2
}
while [[ $# -gt 0 ]]; do
    case $1 in
    --only)
        [[ $# -ge 2 ]] || usage
        case $2 in standard|odd-ports|fragmented|credentials) GROUPS_RUN=("$2") ;; *) usage ;; esac
        shift 2 ;;
    --only=*)
        case ${1#--only=} in standard|odd-ports|fragmented|credentials) GROUPS_RUN=("${1#--only=}") ;; *) usage ;; esac
        shift ;;
    -h|--help) usage ;;
    *) usage ;;
    esac
done
# want GROUP: is GROUP one of the groups of this run?
want() {
    local g
    for g in "${GROUPS_RUN[@]}"; do [[ $g == "$1" ]] && return 0; done
    return 1
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE}
SRV_NS=tlsf-srv
CLI_NS=tlsf-cli
SRV_IF=veth-srv
CLI_IF=veth-cli
# section 12 (group fragmented): client -- router -- server
RTR_NS=tlsf-rtr
FCLI_NS=tlsf-fcli
FRAG_MTU=576
PY=/usr/bin/python3          # Debian's python (not a pyenv one on PATH)
MAIL_USER=alice
MAIL_PASS=secret
CLIENT_TIMEOUT=20

LEGACY4=10.99.0.1
LEGACY6=fd99::1
CLIENT4=10.99.0.2
CLIENT6=fd99::2
MODERN4=10.99.0.3
NOTLS4=10.99.0.4
CAPPED4=10.99.0.5
AUTH4=10.99.0.6              # section 13: no TLS, SASL PLAIN LOGIN CRAM-MD5, APOP
# non-standard ports of the legacy servers (section 11, group odd-ports)
ODD_IMAP=10143
ODD_IMAPS=10993
ODD_POP3=10110
ODD_POP3S=10995
ODD_SMTP=2525

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'make-samples: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root"
for c in ip ethtool openssl curl tcpdump tshark dovecot doveadm postfix postconf timeout "$PY"; do
    command -v "$c" >/dev/null 2>&1 ||
        die "missing command: $c (apt-get install dovecot-imapd dovecot-pop3d postfix openssl curl tcpdump tshark python3 iproute2 ethtool)"
done

T=
TCPDUMP_PID=
DOVECOT_CONFS=()
POSTFIX_DIR=

. "$HERE/../build-aux/netns.sh"  # kill_ns

cleanup() {
    local rc=$? conf pidf
    set +e
    trap - EXIT INT TERM
    if [[ -n $TCPDUMP_PID ]]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null
        wait "$TCPDUMP_PID" 2>/dev/null
    fi
    # Ask the servers to stop (SIGTERM to each dovecot master, postfix stop),
    # then kill_ns takes care of anything left in the namespaces.
    for conf in "${DOVECOT_CONFS[@]}"; do
        pidf=$(dirname "$conf")/run/master.pid
        [[ -s $pidf ]] && kill -TERM "$(cat "$pidf")" 2>/dev/null
    done
    if [[ -n $POSTFIX_DIR ]]; then
        postfix -c "$POSTFIX_DIR" stop >/dev/null 2>&1
    fi
    kill_ns "$FCLI_NS"
    kill_ns "$RTR_NS"
    kill_ns "$CLI_NS"
    kill_ns "$SRV_NS"
    if [[ -n $T && -d $T ]]; then
        if [[ $rc -ne 0 && -n ${KEEP_TMP:-} ]]; then
            log "keeping $T"
        else
            rm -rf "$T"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Leftovers of an earlier, interrupted run.
kill_ns "$FCLI_NS"
kill_ns "$RTR_NS"
kill_ns "$CLI_NS"
kill_ns "$SRV_NS"

# Provenance: the versions that made the captures.
log "software"
{
    dpkg-query -W -f '   ${Package} ${Version}\n' dovecot-core postfix openssl libssl3 \
        curl libcurl4 python3.11 tcpdump libpcap0.8 tshark iproute2 ethtool 2>/dev/null || true
    printf '   kernel %s\n' "$(uname -r)"
} >&2

T=$(mktemp -d /tmp/tlsfloor-samples.XXXXXX)
chmod 0711 "$T"            # the mail user (nobody) must traverse to its maildir
mkdir -p "$T/tls" "$T/cap" "$T/logs"

###########################################################################
log "network namespaces $SRV_NS / $CLI_NS"
ip netns add "$SRV_NS"
ip netns add "$CLI_NS"
ip link add "$SRV_IF" netns "$SRV_NS" type veth peer name "$CLI_IF" netns "$CLI_NS"
S() { ip netns exec "$SRV_NS" "$@"; }
C() { ip netns exec "$CLI_NS" "$@"; }
for ns in "$SRV_NS" "$CLI_NS"; do
    ip -n "$ns" link set lo up
done
S ip addr add "$LEGACY4/24" dev "$SRV_IF"
S ip addr add "$MODERN4/24" dev "$SRV_IF"
S ip addr add "$NOTLS4/24" dev "$SRV_IF"
S ip addr add "$CAPPED4/24" dev "$SRV_IF"
S ip addr add "$AUTH4/24" dev "$SRV_IF"
S ip -6 addr add "$LEGACY6/64" dev "$SRV_IF" nodad
C ip addr add "$CLIENT4/24" dev "$CLI_IF"
C ip -6 addr add "$CLIENT6/64" dev "$CLI_IF" nodad
S ethtool -K "$SRV_IF" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
C ethtool -K "$CLI_IF" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
S ip link set "$SRV_IF" up
C ip link set "$CLI_IF" up

###########################################################################
log "self-signed certificate"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/CN=mail.tlsfloor.test" \
    -addext "subjectAltName=DNS:mail.tlsfloor.test,IP:$LEGACY4,IP:$MODERN4,IP:$CAPPED4,IP:$LEGACY6" \
    -keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" 2>/dev/null
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$T/tls/dh.pem" 2>/dev/null
chmod 0644 "$T/tls/cert.pem" "$T/tls/dh.pem"
chmod 0600 "$T/tls/key.pem"

# OpenSSL config for the "capped" dovecot: dovecot has ssl_min_protocol but
# no maximum, so cap it with the OpenSSL system_default section.
cat >"$T/tls/openssl-max-tls1.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
MaxProtocol = TLSv1
CipherString = ALL:@SECLEVEL=0
EOF
chmod 0644 "$T/tls/openssl-max-tls1.cnf"

###########################################################################
log "mail user and maildir"
# passwd-file: user:password:uid:gid:gecos:home:shell
printf '%s:{PLAIN}%s:65534:65534::%s::\n' "$MAIL_USER" "$MAIL_PASS" "$T/mail/$MAIL_USER" >"$T/users"
chmod 0644 "$T/users"
md=$T/mail/$MAIL_USER/Maildir
mkdir -p "$md/cur" "$md/new" "$md/tmp"
cat >"$md/cur/1700000000.M1P1.tlsfloor:2,S" <<'EOF'
Return-Path: <bob@tlsfloor.test>
From: Bob <bob@tlsfloor.test>
To: Alice <alice@tlsfloor.test>
Subject: tlsfloor sample
Date: Tue, 14 Nov 2023 22:13:20 +0000
Message-ID: <sample-1@tlsfloor.test>

Hello Alice, this is the tlsfloor sample message.
EOF
sed -i 's/$/\r/' "$md/cur/1700000000.M1P1.tlsfloor:2,S"   # RFC 5322 CRLF
chown -R 65534:65534 "$T/mail"

###########################################################################
# dovecot: one instance per server flavour, each with its own base_dir.
# $1 name  $2 listen addresses  $3 extra settings
dovecot_instance() {
    local name=$1 listen=$2 extra=$3 d=$T/dovecot-$1
    mkdir -p "$d/run" "$d/state"
    cat >"$d/dovecot.conf" <<EOF
# tlsfloor sample server "$name" (written by make-samples.sh)
instance_name = tlsf-$name
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap pop3
listen = $listen
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $T/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $T/users
}
$extra
EOF
    DOVECOT_CONFS+=("$d/dovecot.conf")
    S dovecot -c "$d/dovecot.conf"
}

DC_SSL="ssl_cert = <$T/tls/cert.pem
ssl_key = <$T/tls/key.pem
ssl_dh = <$T/tls/dh.pem"
DC_LISTENERS_TLS='service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}'
# The legacy instance also listens on the non-standard ports of section 11
# (group odd-ports).  Whether a listener does implicit TLS is only its
# "ssl = yes"; the listener names are free.
DC_LISTENERS_LEGACY="service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
  inet_listener imap-odd {
    port = $ODD_IMAP
  }
  inet_listener imaps-odd {
    port = $ODD_IMAPS
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
  inet_listener pop3-odd {
    port = $ODD_POP3
  }
  inet_listener pop3s-odd {
    port = $ODD_POP3S
    ssl = yes
  }
}"
DC_LISTENERS_PLAIN='service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 0
  }
}'

log "dovecot instances"
dovecot_instance legacy "$LEGACY4, $LEGACY6" "ssl = yes
$DC_SSL
ssl_min_protocol = TLSv1
ssl_cipher_list = ALL:@SECLEVEL=0
$DC_LISTENERS_LEGACY"
dovecot_instance modern "$MODERN4" "ssl = yes
$DC_SSL
ssl_min_protocol = TLSv1.2
$DC_LISTENERS_TLS"
dovecot_instance notls "$NOTLS4" "ssl = no
$DC_LISTENERS_PLAIN"
# Section 13's server: no TLS, every mechanism the Python clients know
# (CRAM-MD5 and APOP need the plain passwords the passwd-file has), and a
# SASL socket for postfix's $AUTH4 listeners.
dovecot_instance auth "$AUTH4" "ssl = no
auth_mechanisms = plain login cram-md5 apop
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
$DC_LISTENERS_PLAIN"
dovecot_instance capped "$CAPPED4" "ssl = yes
$DC_SSL
ssl_min_protocol = TLSv1
ssl_cipher_list = ALL:@SECLEVEL=0
import_environment = TZ OPENSSL_CONF=$T/tls/openssl-max-tls1.cnf
$DC_LISTENERS_TLS"

###########################################################################
log "postfix"
POSTFIX_DIR=$T/postfix/etc
mkdir -p "$POSTFIX_DIR" "$T/postfix/spool" "$T/postfix/data"
chown postfix:postfix "$T/postfix/data"
cat >"$POSTFIX_DIR/main.cf" <<EOF
# tlsfloor sample server (written by make-samples.sh)
compatibility_level = 3.6
queue_directory = $T/postfix/spool
data_directory = $T/postfix/data
maillog_file = $T/postfix/postfix.log
maillog_file_prefixes = $T/postfix
myhostname = mail.tlsfloor.test
mydomain = tlsfloor.test
myorigin = \$mydomain
mydestination = \$myhostname, \$mydomain
inet_interfaces = all
inet_protocols = all
mynetworks = 127.0.0.0/8, 10.99.0.0/24, [::1]/128, [fd99::]/64
smtpd_banner = \$myhostname ESMTP
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
biff = no
notify_classes =
alias_maps =
alias_database =
local_recipient_maps =
# every accepted message is thrown away: nothing is ever relayed
default_transport = discard:tlsfloor sample
local_transport = discard:tlsfloor sample
relay_transport = discard:tlsfloor sample
virtual_transport = discard:tlsfloor sample
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_cert_file = $T/tls/cert.pem
smtpd_tls_key_file = $T/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = no
smtpd_tls_protocols = >=TLSv1
smtpd_tls_mandatory_protocols = >=TLSv1
smtpd_tls_ciphers = medium
smtpd_tls_mandatory_ciphers = medium
tls_medium_cipherlist = ALL:@SECLEVEL=0
smtpd_tls_loglevel = 1
EOF

# service type private unpriv chroot wakeup maxproc command
{
    cat <<EOF
# tlsfloor sample server (written by make-samples.sh)
# legacy: TLS 1.0 .. 1.3
$LEGACY4:25    inet n - n - - smtpd
[$LEGACY6]:25    inet n - n - - smtpd
$LEGACY4:587   inet n - n - - smtpd -o smtpd_tls_security_level=encrypt
$LEGACY4:465   inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt
# legacy on a non-standard port (section 11): like 25
$LEGACY4:$ODD_SMTP  inet n - n - - smtpd
# modern: TLS >= 1.2 only
$MODERN4:25    inet n - n - - smtpd -o smtpd_tls_protocols=>=TLSv1.2 -o smtpd_tls_mandatory_protocols=>=TLSv1.2 -o smtpd_tls_ciphers=high -o smtpd_tls_mandatory_ciphers=high
$MODERN4:587   inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_protocols=>=TLSv1.2 -o smtpd_tls_mandatory_protocols=>=TLSv1.2 -o smtpd_tls_ciphers=high -o smtpd_tls_mandatory_ciphers=high
$MODERN4:465   inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt -o smtpd_tls_protocols=>=TLSv1.2 -o smtpd_tls_mandatory_protocols=>=TLSv1.2 -o smtpd_tls_ciphers=high -o smtpd_tls_mandatory_ciphers=high
# notls: no STARTTLS at all
$NOTLS4:25    inet n - n - - smtpd -o smtpd_tls_security_level=none
$NOTLS4:587   inet n - n - - smtpd -o smtpd_tls_security_level=none
# auth (section 13): no TLS, SASL through the "auth" dovecot
$AUTH4:587   inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=yes -o smtpd_sasl_type=dovecot -o smtpd_sasl_path=$T/dovecot-auth/run/auth-postfix
# capped: TLS 1.0 .. 1.1 only
$CAPPED4:25    inet n - n - - smtpd -o smtpd_tls_protocols=>=TLSv1,<=TLSv1.1 -o smtpd_tls_mandatory_protocols=>=TLSv1,<=TLSv1.1
$CAPPED4:465   inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt -o smtpd_tls_protocols=>=TLSv1,<=TLSv1.1 -o smtpd_tls_mandatory_protocols=>=TLSv1,<=TLSv1.1
# internal services (no chroot)
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
proxywrite unix - - n -    1 proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
} >"$POSTFIX_DIR/master.cf"
S postfix -c "$POSTFIX_DIR" check >"$T/logs/postfix-check.log" 2>&1 || { cat "$T/logs/postfix-check.log" >&2; die "postfix check failed"; }
S postfix -c "$POSTFIX_DIR" start >"$T/logs/postfix-start.log" 2>&1 || { cat "$T/logs/postfix-start.log" >&2; die "postfix start failed"; }

###########################################################################
# Wait until every server port answers (connect from the client side).
log "waiting for the servers"
wait_port() {
    local host=$1 port=$2 i
    for i in $(seq 1 50); do
        if C "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' "$host" "$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    die "server $host port $port does not answer"
}
for hp in "$LEGACY4 143" "$LEGACY4 993" "$LEGACY4 110" "$LEGACY4 995" "$LEGACY6 143" \
          "$MODERN4 143" "$MODERN4 995" "$MODERN4 465" "$NOTLS4 143" "$NOTLS4 110" "$CAPPED4 143" \
          "$LEGACY4 25" "$LEGACY4 587" "$LEGACY4 465" "$MODERN4 587" "$NOTLS4 25" \
          "$CAPPED4 25" "$CAPPED4 465" \
          "$LEGACY4 $ODD_IMAP" "$LEGACY4 $ODD_IMAPS" "$LEGACY4 $ODD_POP3" \
          "$LEGACY4 $ODD_POP3S" "$LEGACY4 $ODD_SMTP" \
          "$AUTH4 143" "$AUTH4 110" "$AUTH4 587"; do
    # shellcheck disable=SC2086
    wait_port $hp
done
# Those probe connections are not captured; give the servers a moment to
# log them and forget them.
sleep 1

if [[ -n ${TLSF_HOLD:-} ]]; then
    log "TLSF_HOLD set: servers are up, $T; sleeping (kill $$ to stop)"
    while :; do sleep 5; done
fi

###########################################################################
# Python client used for the library scenarios.
cat >"$T/mailclient.py" <<'EOF'
"""Real Python stdlib mail clients for the tlsfloor samples."""
import imaplib, poplib, smtplib, ssl, sys, warnings

# TLSVersion.TLSv1/TLSv1_1 are deprecated: using them is the point here.
warnings.simplefilter("ignore", DeprecationWarning)

USER, PASSWORD = "alice", "secret"
VERS = {
    "1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3,
}
MSG = (b"From: Alice <alice@client.tlsfloor.test>\r\n"
       b"To: Alice <alice@tlsfloor.test>\r\n"
       b"Subject: tlsfloor sample\r\n\r\n"
       b"Hello from the tlsfloor sample client.\r\n")


def context(vmin, vmax):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = VERS[vmin]
    ctx.maximum_version = VERS[vmax]
    return ctx


def imap(host, port, tls):
    m = imaplib.IMAP4(host, port)
    if tls:
        m.starttls(ssl_context=context(*tls))
    m.login(USER, PASSWORD)
    m.select("INBOX")
    m.fetch("1", "(RFC822)")
    m.logout()


def pop3(host, port, tls):
    p = poplib.POP3(host, port)
    if tls:
        p.stls(context=context(*tls))
    p.user(USER)
    p.pass_(PASSWORD)
    p.stat()
    p.retr(1)
    p.quit()


def smtp(host, port, tls):
    s = smtplib.SMTP(host, port, local_hostname="client.tlsfloor.test")
    s.ehlo()
    if tls:
        s.starttls(context=context(*tls))
        s.ehlo()
    s.sendmail("alice@client.tlsfloor.test", ["alice@tlsfloor.test"], MSG)
    s.quit()


# A client that sends STARTTLS/STLS even though the server did not
# advertise it, gets a negative answer and carries on in plaintext.
def imap_try_starttls(host, port):
    m = imaplib.IMAP4(host, port)
    try:
        m._simple_command("STARTTLS")
    except imaplib.IMAP4.error as e:
        print("STARTTLS refused:", e)
    m.login(USER, PASSWORD)
    m.logout()


def pop3_try_stls(host, port):
    p = poplib.POP3(host, port)
    try:
        p._shortcmd("STLS")
    except poplib.error_proto as e:
        print("STLS refused:", e)
    p.user(USER)
    p.pass_(PASSWORD)
    p.quit()


def smtp_try_starttls(host, port):
    s = smtplib.SMTP(host, port, local_hostname="client.tlsfloor.test")
    s.ehlo()
    code, text = s.docmd("STARTTLS")
    print("STARTTLS answer:", code, text)
    s.sendmail("alice@client.tlsfloor.test", ["alice@tlsfloor.test"], MSG)
    s.quit()


# Section 13: logins in the clear, or not, by the stdlib clients.
def smtp_auth(host, port, mech, try_starttls=False):
    s = smtplib.SMTP(host, port, local_hostname="client.tlsfloor.test")
    s.ehlo()
    if try_starttls:
        code, text = s.docmd("STARTTLS")
        print("STARTTLS answer:", code, text)
    s.user, s.password = USER, PASSWORD
    if mech == "PLAIN":         # with the initial response
        s.auth("PLAIN", s.auth_plain)
    elif mech == "LOGIN":       # user name and password answer 334s
        s.auth("LOGIN", s.auth_login, initial_response_ok=False)
    else:                       # login() picks CRAM-MD5 when offered
        s.login(USER, PASSWORD)
    s.quit()


def imap_auth(host, port, mech, try_starttls=False):
    m = imaplib.IMAP4(host, port)
    # RFC 2971 ID, as mail clients send it (imaplib has no method for it)
    m.xatom("ID", '("name" "Python imaplib" "version" "%d.%d" "os" "Linux")'
            % sys.version_info[:2])
    if try_starttls:
        try:
            m._simple_command("STARTTLS")
        except imaplib.IMAP4.error as e:
            print("STARTTLS refused:", e)
    if mech == "PLAIN":
        m.authenticate("PLAIN",
                       lambda _: ("\0%s\0%s" % (USER, PASSWORD)).encode())
    else:
        m.login_cram_md5(USER, PASSWORD)
    m.select("INBOX")
    m.logout()


def pop3_apop(host, port):
    p = poplib.POP3(host, port)
    p.apop(USER, PASSWORD)
    p.stat()
    p.quit()


def main():
    what, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tls = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else None
    fn = {"imap": imap, "pop3": pop3, "smtp": smtp}.get(what)
    if fn:
        fn(host, port, tls)
    else:
        {"imap-try-starttls": imap_try_starttls,
         "pop3-try-stls": pop3_try_stls,
         "smtp-try-starttls": smtp_try_starttls,
         "smtp-auth-plain": lambda h, p: smtp_auth(h, p, "PLAIN"),
         "smtp-auth-login": lambda h, p: smtp_auth(h, p, "LOGIN"),
         "smtp-auth-cram-md5": lambda h, p: smtp_auth(h, p, "CRAM-MD5"),
         "smtp-try-starttls-auth-login":
             lambda h, p: smtp_auth(h, p, "LOGIN", try_starttls=True),
         "imap-authenticate-plain": lambda h, p: imap_auth(h, p, "PLAIN"),
         "imap-authenticate-cram-md5":
             lambda h, p: imap_auth(h, p, "CRAM-MD5"),
         "imap-try-starttls-authenticate-plain":
             lambda h, p: imap_auth(h, p, "PLAIN", try_starttls=True),
         "pop3-apop": pop3_apop}[what](host, port)


main()
EOF

###########################################################################
# capture NAME STDIN CLIENT-COMMAND...: one tcpdump per scenario in the
# server namespace, the client in the client namespace with STDIN (plus a
# newline) as its standard input ("" = /dev/null).
NCAP=0
# where tcpdump listens and where the client runs (section 12 changes them)
CAP_NS=$SRV_NS
CAP_IF=$SRV_IF
RUN_NS=$CLI_NS
capture() {
    local name=$1 input=$2 f rc i
    shift 2
    f=$T/cap/$name.pcap
    # Not through the S function: $! must be tcpdump itself (ip netns exec
    # execs it), and SIGINT must reach it (a background subshell of a
    # non-interactive bash ignores SIGINT).
    ip netns exec "$CAP_NS" tcpdump -i "$CAP_IF" -U -s 0 -Z root -n -w "$f" tcp \
        >"$T/logs/$name.tcpdump" 2>&1 &
    TCPDUMP_PID=$!
    for i in $(seq 1 100); do
        grep -qs 'listening on' "$T/logs/$name.tcpdump" && break
        sleep 0.1
    done
    grep -q 'listening on' "$T/logs/$name.tcpdump" || die "tcpdump for $name did not start"
    sleep 0.5
    rc=0
    if [[ -n $input ]]; then
        printf '%s\n' "$input" | ip netns exec "$RUN_NS" timeout "$CLIENT_TIMEOUT" "$@" >"$T/logs/$name.client" 2>&1 || rc=$?
    else
        ip netns exec "$RUN_NS" timeout "$CLIENT_TIMEOUT" "$@" </dev/null >"$T/logs/$name.client" 2>&1 || rc=$?
    fi
    sleep 1
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
    [[ $rc -ne 124 ]] || die "client of $name timed out"
    mv "$f" "$OUT/$name.pcap"
    NCAP=$((NCAP + 1))
    local how=$*
    [[ -z $input ]] || how="echo \"$input\" | $how"
    printf '%-50s client exit %d: %s\n' "$name.pcap" "$rc" "$how" >&2
}

# openssl s_client gets the protocol's logout command on stdin (-quiet
# implies -ign_eof, so s_client then waits for the server to close).
CIPHER='DEFAULT:@SECLEVEL=0'
SC=(openssl s_client -quiet -crlf)
IMAP_BYE='a LOGOUT'
POP_BYE='QUIT'
SMTP_BYE='QUIT'

log "captures -> $OUT"

# Each entry: capture file name, then the client command.  The expected
# verdicts are in the EXPECTED table further down.
TLS_IMAP=(-starttls imap -connect "$LEGACY4:143" -cipher "$CIPHER")
TLS_POP=(-starttls pop3 -connect "$LEGACY4:110" -cipher "$CIPHER")
MC=("$PY" "$T/mailclient.py")

if want standard; then
    # 1. IMAP STARTTLS (143), legacy dovecot
    capture imap-starttls-tls1_0 "$IMAP_BYE" "${SC[@]}" "${TLS_IMAP[@]}" -tls1
    capture imap-starttls-tls1_1 "$IMAP_BYE" "${SC[@]}" "${TLS_IMAP[@]}" -tls1_1
    capture imap-starttls-tls1_2 "$IMAP_BYE" "${SC[@]}" "${TLS_IMAP[@]}" -tls1_2
    capture imap-starttls-tls1_3 "$IMAP_BYE" "${SC[@]}" "${TLS_IMAP[@]}" -tls1_3
    # 2. POP3 STLS (110), legacy dovecot
    capture pop3-stls-tls1_0 "$POP_BYE" "${SC[@]}" "${TLS_POP[@]}" -tls1
    capture pop3-stls-tls1_1 "$POP_BYE" "${SC[@]}" "${TLS_POP[@]}" -tls1_1
    capture pop3-stls-tls1_2 "$POP_BYE" "${SC[@]}" "${TLS_POP[@]}" -tls1_2
    capture pop3-stls-tls1_3 "$POP_BYE" "${SC[@]}" "${TLS_POP[@]}" -tls1_3
    # 3. SMTP STARTTLS on 25 and on 587 (submission), legacy postfix
    capture smtp-starttls-tls1_0 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$LEGACY4:25" -cipher "$CIPHER" -tls1
    capture smtp-starttls-tls1_2 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$LEGACY4:25" -cipher "$CIPHER" -tls1_2
    capture submission-starttls-tls1_1 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$LEGACY4:587" -cipher "$CIPHER" -tls1_1
    capture submission-starttls-tls1_3 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$LEGACY4:587" -cipher "$CIPHER" -tls1_3
    # 4. implicit TLS: 993, 995, 465
    capture imaps-tls1_0 "$IMAP_BYE" "${SC[@]}" -connect "$LEGACY4:993" -cipher "$CIPHER" -tls1
    capture imaps-tls1_3 "$IMAP_BYE" "${SC[@]}" -connect "$LEGACY4:993" -cipher "$CIPHER" -tls1_3
    capture pop3s-tls1_1 "$POP_BYE" "${SC[@]}" -connect "$LEGACY4:995" -cipher "$CIPHER" -tls1_1
    capture pop3s-tls1_2 "$POP_BYE" "${SC[@]}" -connect "$LEGACY4:995" -cipher "$CIPHER" -tls1_2
    capture smtps-tls1_0 "$SMTP_BYE" "${SC[@]}" -connect "$LEGACY4:465" -cipher "$CIPHER" -tls1
    capture smtps-tls1_2 "$SMTP_BYE" "${SC[@]}" -connect "$LEGACY4:465" -cipher "$CIPHER" -tls1_2
    # 5. Python stdlib clients and curl
    capture python-imaplib-starttls-tls1_2 '' "${MC[@]}" imap "$LEGACY4" 143 1.2 1.2
    capture python-poplib-stls-tls1_0 '' "${MC[@]}" pop3 "$LEGACY4" 110 1.0 1.0
    capture python-smtplib-submission-starttls-tls1_1 '' "${MC[@]}" smtp "$LEGACY4" 587 1.1 1.1
    capture curl-pop3-stls-tls1_0 '' curl -sS -k --ssl-reqd --tlsv1.0 --tls-max 1.0 --ciphers "$CIPHER" -u "$MAIL_USER:$MAIL_PASS" "pop3://$LEGACY4/1"
    capture curl-imaps-default '' curl -sS -k -u "$MAIL_USER:$MAIL_PASS" "imaps://$LEGACY4/INBOX;UID=1"
    # 6. legacy clients refused by the TLS >= 1.2 servers (10.99.0.3)
    capture refused-imap-starttls-tls1_0 "$IMAP_BYE" "${SC[@]}" -starttls imap -connect "$MODERN4:143" -cipher "$CIPHER" -tls1
    capture refused-pop3s-tls1_1 "$POP_BYE" "${SC[@]}" -connect "$MODERN4:995" -cipher "$CIPHER" -tls1_1
    capture refused-submission-starttls-tls1_0 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$MODERN4:587" -cipher "$CIPHER" -tls1
    capture refused-smtps-tls1_1 "$SMTP_BYE" "${SC[@]}" -connect "$MODERN4:465" -cipher "$CIPHER" -tls1_1
    # 7. clients allowing TLS 1.0 .. 1.3 talking to capped servers (10.99.0.5)
    capture legacy-negotiated-imap-starttls-tls1_0 "$IMAP_BYE" "${SC[@]}" -starttls imap -connect "$CAPPED4:143" -cipher "$CIPHER" -min_protocol TLSv1
    capture legacy-negotiated-smtps-tls1_1 "$SMTP_BYE" "${SC[@]}" -connect "$CAPPED4:465" -cipher "$CIPHER" -min_protocol TLSv1
    capture legacy-negotiated-python-smtplib-starttls-tls1_1 '' "${MC[@]}" smtp "$CAPPED4" 25 1.0 1.3
    # 8. STARTTLS/STLS answered negatively by servers without TLS (10.99.0.4)
    capture starttls-refused-imap '' "${MC[@]}" imap-try-starttls "$NOTLS4" 143
    capture starttls-refused-pop3 '' "${MC[@]}" pop3-try-stls "$NOTLS4" 110
    capture starttls-refused-smtp '' "${MC[@]}" smtp-try-starttls "$NOTLS4" 25
    # 9. plaintext sessions that never try STARTTLS (legacy servers, which offer it)
    capture plaintext-imap '' "${MC[@]}" imap "$LEGACY4" 143
    capture plaintext-pop3 '' "${MC[@]}" pop3 "$LEGACY4" 110
    capture plaintext-smtp '' "${MC[@]}" smtp "$LEGACY4" 25
    # 10. IPv6
    capture ipv6-imap-starttls-tls1_0 "$IMAP_BYE" "${SC[@]}" -starttls imap -connect "[$LEGACY6]:143" -cipher "$CIPHER" -tls1
fi

# 11. mail on non-standard ports, legacy dovecot and postfix (10.99.0.1).
# STARTTLS/STLS on an unknown port is found through nDPI or the greeting;
# implicit TLS on an unknown port is reported only with --port
# (see pcaps/README).
if want odd-ports; then
    capture odd-port-imap-starttls-tls1_0 "$IMAP_BYE" "${SC[@]}" -starttls imap -connect "$LEGACY4:$ODD_IMAP" -cipher "$CIPHER" -tls1
    capture odd-port-pop3-stls-tls1_1 "$POP_BYE" "${SC[@]}" -starttls pop3 -connect "$LEGACY4:$ODD_POP3" -cipher "$CIPHER" -tls1_1
    capture odd-port-imaps-tls1_2 "$IMAP_BYE" "${SC[@]}" -connect "$LEGACY4:$ODD_IMAPS" -cipher "$CIPHER" -tls1_2
    capture odd-port-pop3s-tls1_0 "$POP_BYE" "${SC[@]}" -connect "$LEGACY4:$ODD_POP3S" -cipher "$CIPHER" -tls1
    capture odd-port-smtp-starttls-tls1_2 "$SMTP_BYE" "${SC[@]}" -starttls smtp -name client.tlsfloor.test -connect "$LEGACY4:$ODD_SMTP" -cipher "$CIPHER" -tls1_2
fi

# 12. through a router that fragments: the legacy dovecot (10.99.0.1) seen
# from a third namespace, tlsf-fcli (10.97.0.2), via tlsf-rtr, whose routes
# both ways have a 576-byte MTU.  The client's and the server's routes to
# each other say 1500 and are locked ("mtu lock"): TCP keeps its 1460-byte
# MSS, and Linux sends without DF on a route whose MTU is locked, so the
# router fragments every larger segment instead of asking for a smaller
# one (net.ipv4.ip_no_pmtu_disc would clear DF too, but then TCP falls
# back to a 536-byte MSS and nothing needs fragmenting).  tcpdump runs on
# the router's client side, where the client's segments are still whole
# and the server's arrive in fragments: the server's certificate flight
# (and the ServerHello in it) can only be read reassembled.
if want fragmented; then
    ip netns add "$RTR_NS"
    ip netns add "$FCLI_NS"
    ip link add rtr-cli netns "$RTR_NS" type veth peer name fcli netns "$FCLI_NS"
    ip link add rtr-srv netns "$RTR_NS" type veth peer name veth-srv2 netns "$SRV_NS"
    R() { ip netns exec "$RTR_NS" "$@"; }
    F() { ip netns exec "$FCLI_NS" "$@"; }
    for ns in "$RTR_NS" "$FCLI_NS"; do ip -n "$ns" link set lo up; done
    R ip addr add 10.97.0.1/24 dev rtr-cli
    R ip addr add 10.98.0.2/24 dev rtr-srv
    F ip addr add 10.97.0.2/24 dev fcli
    S ip addr add 10.98.0.1/24 dev veth-srv2
    for dev in rtr-cli rtr-srv; do
        R ethtool -K "$dev" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
        R ip link set "$dev" up
    done
    F ethtool -K fcli tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
    S ethtool -K veth-srv2 tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
    F ip link set fcli up
    S ip link set veth-srv2 up
    R sysctl -qw net.ipv4.ip_forward=1
    R ip route replace 10.97.0.0/24 dev rtr-cli src 10.97.0.1 mtu "$FRAG_MTU"
    R ip route add 10.99.0.0/24 via 10.98.0.1 dev rtr-srv mtu "$FRAG_MTU"
    S ip route add 10.97.0.0/24 via 10.98.0.2 dev veth-srv2 mtu lock 1500
    F ip route add default via 10.97.0.1 mtu lock 1500
    CAP_NS=$RTR_NS
    CAP_IF=rtr-cli
    RUN_NS=$FCLI_NS
    capture fragmented-imaps-tls1_0 "$IMAP_BYE" "${SC[@]}" -connect "$LEGACY4:993" -cipher "$CIPHER" -tls1
    capture fragmented-pop3-stls-tls1_2 "$POP_BYE" "${SC[@]}" "${TLS_POP[@]}" -tls1_2
    CAP_NS=$SRV_NS
    CAP_IF=$SRV_IF
    RUN_NS=$CLI_NS
fi

# 13. credentials: clear-text logins by the Python stdlib clients, and
# CRAM-MD5 ones that are not clear-text, against the "auth" servers
# (10.99.0.6, no TLS).  The passwords are the sample's throw-away ones.
if want credentials; then
    capture cleartext-smtp-auth-plain '' "${MC[@]}" smtp-auth-plain "$AUTH4" 587
    capture cleartext-smtp-auth-login '' "${MC[@]}" smtp-auth-login "$AUTH4" 587
    capture cleartext-smtp-starttls-refused-auth-login '' "${MC[@]}" smtp-try-starttls-auth-login "$AUTH4" 587
    capture cleartext-imap-authenticate-plain '' "${MC[@]}" imap-authenticate-plain "$AUTH4" 143
    capture cleartext-imap-starttls-refused-authenticate-plain '' "${MC[@]}" imap-try-starttls-authenticate-plain "$AUTH4" 143
    capture cleartext-pop3-apop '' "${MC[@]}" pop3-apop "$AUTH4" 110
    capture noclear-smtp-auth-cram-md5 '' "${MC[@]}" smtp-auth-cram-md5 "$AUTH4" 587
    capture noclear-imap-authenticate-cram-md5 '' "${MC[@]}" imap-authenticate-cram-md5 "$AUTH4" 143
fi

log "$NCAP captures written"

###########################################################################
# Read every capture back with tshark and compare with the expected
# verdicts: client_max_version negotiated_version outcome reason
# ("-" = empty), then tshark "decode as" options for the captures on
# non-standard ports.  Keep in sync with the table in pcaps/README (the
# odd-port implicit-TLS captures are not in that table, see the README).
cat >"$T/expected-standard" <<'END_EXPECTED'
imap-starttls-tls1_0                              TLSv1.0 TLSv1.0 established      legacy_client
imap-starttls-tls1_1                              TLSv1.1 TLSv1.1 established      legacy_client
imap-starttls-tls1_2                              TLSv1.2 TLSv1.2 established      ok
imap-starttls-tls1_3                              TLSv1.3 TLSv1.3 established      ok
pop3-stls-tls1_0                                  TLSv1.0 TLSv1.0 established      legacy_client
pop3-stls-tls1_1                                  TLSv1.1 TLSv1.1 established      legacy_client
pop3-stls-tls1_2                                  TLSv1.2 TLSv1.2 established      ok
pop3-stls-tls1_3                                  TLSv1.3 TLSv1.3 established      ok
smtp-starttls-tls1_0                              TLSv1.0 TLSv1.0 established      legacy_client
smtp-starttls-tls1_2                              TLSv1.2 TLSv1.2 established      ok
submission-starttls-tls1_1                        TLSv1.1 TLSv1.1 established      legacy_client
submission-starttls-tls1_3                        TLSv1.3 TLSv1.3 established      ok
imaps-tls1_0                                      TLSv1.0 TLSv1.0 established      legacy_client
imaps-tls1_3                                      TLSv1.3 TLSv1.3 established      ok
pop3s-tls1_1                                      TLSv1.1 TLSv1.1 established      legacy_client
pop3s-tls1_2                                      TLSv1.2 TLSv1.2 established      ok
smtps-tls1_0                                      TLSv1.0 TLSv1.0 established      legacy_client
smtps-tls1_2                                      TLSv1.2 TLSv1.2 established      ok
python-imaplib-starttls-tls1_2                    TLSv1.2 TLSv1.2 established      ok
python-poplib-stls-tls1_0                         TLSv1.0 TLSv1.0 established      legacy_client
python-smtplib-submission-starttls-tls1_1         TLSv1.1 TLSv1.1 established      legacy_client
curl-pop3-stls-tls1_0                             TLSv1.0 TLSv1.0 established      legacy_client
curl-imaps-default                                TLSv1.3 TLSv1.3 established      ok
refused-imap-starttls-tls1_0                      TLSv1.0 -       server_close     legacy_refused
refused-pop3s-tls1_1                              TLSv1.1 -       server_close     legacy_refused
refused-submission-starttls-tls1_0                TLSv1.0 -       refused          legacy_refused
refused-smtps-tls1_1                              TLSv1.1 -       refused          legacy_refused
legacy-negotiated-imap-starttls-tls1_0            TLSv1.3 TLSv1.0 established      legacy_negotiated
legacy-negotiated-smtps-tls1_1                    TLSv1.3 TLSv1.1 established      legacy_negotiated
legacy-negotiated-python-smtplib-starttls-tls1_1  TLSv1.3 TLSv1.1 established      legacy_negotiated
starttls-refused-imap                             -       -       starttls_refused cleartext_credentials
starttls-refused-pop3                             -       -       starttls_refused cleartext_credentials
starttls-refused-smtp                             -       -       starttls_refused plaintext
plaintext-imap                                    -       -       plaintext        cleartext_credentials
plaintext-pop3                                    -       -       plaintext        cleartext_credentials
plaintext-smtp                                    -       -       plaintext        plaintext
ipv6-imap-starttls-tls1_0                         TLSv1.0 TLSv1.0 established      legacy_client
END_EXPECTED
cat >"$T/expected-credentials" <<'END_EXPECTED'
cleartext-smtp-auth-plain                         -       -       plaintext        cleartext_credentials
cleartext-smtp-auth-login                         -       -       plaintext        cleartext_credentials
cleartext-smtp-starttls-refused-auth-login        -       -       starttls_refused cleartext_credentials
cleartext-imap-authenticate-plain                 -       -       plaintext        cleartext_credentials
cleartext-imap-starttls-refused-authenticate-plain -      -       starttls_refused cleartext_credentials
cleartext-pop3-apop                               -       -       plaintext        cleartext_credentials
noclear-smtp-auth-cram-md5                        -       -       plaintext        plaintext
noclear-imap-authenticate-cram-md5                -       -       plaintext        plaintext
END_EXPECTED
cat >"$T/expected-fragmented" <<'END_EXPECTED'
fragmented-imaps-tls1_0                           TLSv1.0 TLSv1.0 established      legacy_client
fragmented-pop3-stls-tls1_2                       TLSv1.2 TLSv1.2 established      ok
END_EXPECTED
cat >"$T/expected-odd-ports" <<END_EXPECTED
odd-port-imap-starttls-tls1_0                     TLSv1.0 TLSv1.0 established      legacy_client tcp.port==$ODD_IMAP,imap
odd-port-pop3-stls-tls1_1                         TLSv1.1 TLSv1.1 established      legacy_client tcp.port==$ODD_POP3,pop
odd-port-imaps-tls1_2                             TLSv1.2 TLSv1.2 established      ok            tcp.port==$ODD_IMAPS,tls
odd-port-pop3s-tls1_0                             TLSv1.0 TLSv1.0 established      legacy_client tcp.port==$ODD_POP3S,tls
odd-port-smtp-starttls-tls1_2                     TLSv1.2 TLSv1.2 established      ok            tcp.port==$ODD_SMTP,smtp
END_EXPECTED
: >"$T/expected"
for g in "${GROUPS_RUN[@]}"; do
    cat "$T/expected-$g" >>"$T/expected"
done

cat >"$T/verify.py" <<'END_VERIFY'
"""Derive the verdict of each sample capture from tshark's decoding and
compare it with the expected one.  An independent, deliberately simple
reading of the captures: it is not tlsfloor."""
import os, re, subprocess, sys

VERS = {0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1",
        0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}
ORDER = list(VERS.values())
FIELDS = ["tcp.srcport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin",
          "tcp.flags.reset", "tcp.len", "tls.record.content_type",
          "tls.handshake.type", "tls.handshake.version",
          "tls.handshake.extensions.supported_version",
          "tls.alert_message.desc", "tcp.payload"]
CLOSE_FLAGS = ("tcp.flags.fin", "tcp.flags.reset")


def versions(text):
    return [int(v, 16) for v in text.split(",")
            if v.startswith("0x") and int(v, 16) in VERS]


def rows_of(path, decode_as):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for d in decode_as:
        cmd += ["-d", d]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True,
                         text=True).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def verdict(path, decode_as=()):
    rows = rows_of(path, decode_as)
    cport = next(r["tcp.srcport"] for r in rows
                 if r["tcp.flags.syn"] == "1" and r["tcp.flags.ack"] == "0")
    cmax = neg = ""
    hello = server_hello = False
    after_hello = None      # what the server did first after the ClientHello
    alert = ""
    asked = False           # client sent STARTTLS / STLS
    cred = False            # client sent a password before any TLS
    answer_ok = None        # server's answer to it
    for r in rows:
        from_client = r["tcp.srcport"] == cport
        types = r["tls.handshake.type"].split(",")
        sv = versions(r["tls.handshake.extensions.supported_version"])
        hv = versions(r["tls.handshake.version"])
        closing = any(r[f] == "1" for f in CLOSE_FLAGS)
        if from_client and "1" in types and not hello:
            hello = True
            cmax = VERS[max(sv) if sv else hv[0]]
            continue
        if not from_client and "2" in types and not server_hello:
            server_hello = True
            neg = VERS[sv[0] if sv else hv[0]]
        if hello and not server_hello and after_hello is None:
            if not from_client and "21" in r["tls.record.content_type"].split(","):
                after_hello = "alert"
                alert = r["tls.alert_message.desc"]
            elif not from_client and r["tcp.len"] != "0":
                after_hello = "data"
            elif not from_client and closing:
                after_hello = "server_close"
            elif from_client and closing:
                after_hello = "client_abort"
        if hello or r["tls.record.content_type"] or not r["tcp.payload"]:
            continue
        text = bytes.fromhex(r["tcp.payload"].replace(":", "")).decode("latin-1")
        for line in text.splitlines():
            if from_client:
                w = line.upper().split()
                if w[:1] in (["STLS"], ["STARTTLS"]) or w[1:2] == ["STARTTLS"]:
                    asked = True
                # USER/PASS, APOP, IMAP LOGIN, AUTH(ENTICATE) PLAIN/LOGIN
                # (the real clients here answer the server's challenges)
                if (w[:1] in (["PASS"], ["APOP"]) or w[1:2] == ["LOGIN"] or
                        (w[:1] == ["AUTH"] and w[1:2] in (["PLAIN"], ["LOGIN"])) or
                        (w[1:2] == ["AUTHENTICATE"] and w[2:3] in (["PLAIN"], ["LOGIN"]))):
                    cred = True
            elif asked and answer_ok is None and not line.startswith("*"):
                if re.match(r"(\S+ (NO|BAD)\b|-ERR\b|[45]\d\d)", line):
                    answer_ok = False
                elif re.match(r"(\S+ OK\b|\+OK\b|2\d\d)", line):
                    answer_ok = True
    if hello:
        if server_hello:
            outcome = "established"
        elif after_hello == "alert":
            outcome = "refused"
        elif after_hello in ("server_close", "client_abort"):
            outcome = after_hello
        else:
            outcome = "incomplete"
    elif asked and answer_ok is False:
        outcome = "starttls_refused"
    elif not asked:
        outcome = "plaintext"
    else:
        outcome = "incomplete"
    if not hello:
        reason = "plaintext"
    elif ORDER.index(cmax) < ORDER.index("TLSv1.2"):
        reason = {"established": "legacy_client", "refused": "legacy_refused",
                  "server_close": "legacy_refused"}.get(outcome, "?")
    elif neg and ORDER.index(neg) < ORDER.index("TLSv1.2"):
        reason = "legacy_negotiated"
    else:
        reason = "ok"
    if cred:
        reason = "cleartext_credentials"
    return [cmax or "-", neg or "-", outcome, reason], alert


def main():
    outdir, expected = sys.argv[1], sys.argv[2]
    bad = 0
    for line in open(expected):
        name, *rest = line.split()
        want, decode_as = rest[:4], rest[4:]
        path = os.path.join(outdir, name + ".pcap")
        got, alert = verdict(path, decode_as)
        flag = "ok " if got == want else "BAD"
        bad += got != want
        extra = f" alert={alert}" if alert else ""
        print(f"{flag} {name + '.pcap':52} {os.path.getsize(path):6d} "
              + " ".join(f"{g:17}" for g in got) + extra)
        if got != want:
            print(f"    expected {' '.join(want)}")
    sys.exit(1 if bad else 0)


main()
END_VERIFY

log "verifying the captures with tshark"
"$PY" "$T/verify.py" "$OUT" "$T/expected" || die "a capture does not match its expected verdict"
log "done"

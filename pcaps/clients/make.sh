#!/bin/bash
# make.sh -- the client captures the client program hints (src/hints.c)
# were taken from, besides the mail samples of pcaps/make-samples.sh:
# real TLS clients against an openssl s_server on 127.0.0.1, captured by
# tcpdump on lo.  Nothing leaves the machine.  Run as root (tcpdump).
#
#   loopback-clients.pcap, one session each, in this order:
#     1 openssl s_client (no options)
#     2 Python 3.11 ssl, ssl.create_default_context()
#     3 Python 3.11 ssl, minimum_version TLSv1, DEFAULT:@SECLEVEL=0
#     4 curl -sk https://127.0.0.1:PORT/
#     5 Java 17 SSLSocket, JDK defaults (Client.java below)
#     6 Java 17 SSLSocket, TLSv1 only: refused by the JDK itself (no hello)
#   loopback-java-legacy.pcap: java.security re-enabling TLS 1.0/1.1
#     1 Java 17 SSLSocket, TLSv1 only
#     2 Java 17 SSLSocket, TLSv1 .. TLSv1.3
#
# Made with: OpenSSL 3.0.19, Python 3.11.2, curl 7.88.1, OpenJDK
# 17.0.15 (Debian bookworm).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/tlsfloor-clients.XXXXXX)
trap 'kill $SRV $DUMP 2>/dev/null || true; rm -rf "$T"' EXIT
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 3650 -subj /CN=hints.tlsfloor.test 2>/dev/null
cat >Client.java <<'JAVA'
import javax.net.ssl.*;
import java.security.cert.X509Certificate;
public class Client {
    public static void main(String[] a) throws Exception {
        TrustManager[] tm = { new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String s) {}
            public void checkServerTrusted(X509Certificate[] c, String s) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; } } };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tm, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(a[0]));
        if (a.length > 1) s.setEnabledProtocols(a[1].split(","));
        try { s.startHandshake(); } catch (Exception e) { System.out.println(e); }
        s.close();
    }
}
JAVA
cat >py.py <<'PY'
import ssl, socket, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if len(sys.argv) > 2:
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
s.close()
PY
printf 'jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, anon, NULL\n' >legacy-java.security

# capture FILE PORT: an s_server and a tcpdump for the clients that follow
capture() {
    openssl s_server -accept "127.0.0.1:$2" -cert cert.pem -key key.pem \
        -cipher 'DEFAULT:@SECLEVEL=0' -min_protocol TLSv1 -quiet >/dev/null 2>&1 &
    SRV=$!
    tcpdump -i lo -U -s 0 -w "$1" "tcp port $2" >/dev/null 2>&1 &
    DUMP=$!
    sleep 1
}
done_capture() {
    sleep 1
    kill -INT "$DUMP"; wait "$DUMP" || true
    kill "$SRV"; wait "$SRV" 2>/dev/null || true
}
run() { timeout 15 "$@" </dev/null >/dev/null 2>&1 || true; sleep 0.3; }

capture loopback-clients.pcap 18993
run openssl s_client -connect 127.0.0.1:18993 -quiet
run /usr/bin/python3 py.py 18993
run /usr/bin/python3 py.py 18993 legacy
run curl -sk https://127.0.0.1:18993/
run java Client.java 18993
run java -Djdk.tls.client.protocols=TLSv1 Client.java 18993 TLSv1
done_capture
capture loopback-java-legacy.pcap 18994
run java -Djava.security.properties=legacy-java.security Client.java 18994 TLSv1
run java -Djava.security.properties=legacy-java.security Client.java 18994 TLSv1,TLSv1.1,TLSv1.2,TLSv1.3
done_capture
cp loopback-clients.pcap loopback-java-legacy.pcap "$HERE/"

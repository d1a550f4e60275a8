/*
 * hints.c -- client program hints: JA4 (and JA3) fingerprints of real
 * clients, run here against a TLS server and captured.
 *
 * Every entry names the capture it was taken from and the command that
 * made it; the captures and the commands are in the repository (pcaps/,
 * pcaps/make-samples.sh, pcaps/clients/make.sh), made by this project
 * (same licence as the code).  No entry comes from a third-party list.
 * A fingerprint depends on the client's configuration as much as on the
 * program (cipher string, version range, ALPN), so each entry says both;
 * where two programs send the very same hello (openssl s_client and
 * Python's ssl module share OpenSSL's libssl), the entry names the library
 * and both programs rather than pick one.
 *
 * The clients connected to IP literals, so their hellos carry no SNI:
 * JA4 "i", one extension fewer than the same client sends with a name.
 * A hello with SNI ("d") is looked up as the "i" form with the extension
 * count one lower -- the server_name extension is the only difference
 * (the JA4 b and c hashes leave SNI out) -- and with extension 0 taken
 * out of its JA3 string.
 *
 * A match needs both: the JA4 (which sorts ciphers and extensions, and
 * covers ALPN and signature algorithms) and the JA3 string (wire order,
 * supported groups, point formats).  JA4 alone is not enough: a public
 * capture's client (OpenSSL 1.1.1 by its groups, no FFDHE) has the JA4
 * of Python 3.11's below but another JA3.  Without a JA4 the JA3 string
 * alone decides.
 */
#include <stdbool.h>
#include <string.h>

#include "hints.h"

struct hint {
	const char	*ja4;		/* "i" form */
	const char	*ja3;		/* JA3 string of the same hello */
	const char	*software;
	/* source: capture, then how it was made */
};

static const struct hint hints[] = {
	/* pcaps/imap-starttls-tls1_0.pcap (openssl s_client -tls1 -cipher
	 * DEFAULT:@SECLEVEL=0) and pcaps/python-poplib-stls-tls1_0.pcap
	 * (Python 3.11 poplib, SSLContext min = max TLSv1): the same hello */
	{ "t10i090500_c491f621fb4c_195413a0cc0f",
	  "769,49162-49172-57-49161-49171-51-53-47-255,11-10-35-22-"
	  "23,29-23-30-25-24,0-1-2",
	  "OpenSSL 3.0 libssl, TLS 1.0 only (openssl s_client -tls1 or "
	  "Python 3.11 ssl)" },
	/* pcaps/imap-starttls-tls1_1.pcap (s_client -tls1_1),
	 * pcaps/python-smtplib-submission-starttls-tls1_1.pcap */
	{ "t11i090500_c491f621fb4c_195413a0cc0f",
	  "770,49162-49172-57-49161-49171-51-53-47-255,11-10-35-22-"
	  "23,29-23-30-25-24,0-1-2",
	  "OpenSSL 3.0 libssl, TLS 1.1 only (openssl s_client -tls1_1 or "
	  "Python 3.11 ssl)" },
	/* pcaps/imap-starttls-tls1_2.pcap (s_client -tls1_2),
	 * pcaps/python-imaplib-starttls-tls1_2.pcap */
	{ "t12i280600_d943125447b4_3c5a66c06c35",
	  "771,49196-49200-159-52393-52392-52394-49195-49199-158-49"
	  "188-49192-107-49187-49191-103-49162-49172-57-49161-49171"
	  "-51-157-156-61-60-53-47-255,11-10-35-22-23-13,29-23-30-2"
	  "5-24,0-1-2",
	  "OpenSSL 3.0 libssl, TLS 1.2 only (openssl s_client -tls1_2 or "
	  "Python 3.11 ssl)" },
	/* pcaps/imap-starttls-tls1_3.pcap (s_client -tls1_3) */
	{ "t13i040900_16476d049b0b_78f1d400d464",
	  "771,4866-4867-4865-255,11-10-35-22-23-13-43-45-51,29-23-"
	  "30-25-24-256-257-258-259-260,0-1-2",
	  "OpenSSL 3.0 s_client -tls1_3" },
	/* pcaps/legacy-negotiated-imap-starttls-tls1_0.pcap (s_client
	 * -min_protocol TLSv1 -cipher DEFAULT:@SECLEVEL=0) */
	{ "t13i310900_e8f1e7e78f70_5ac7197df9d2",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-35-22-2"
	  "3-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2",
	  "OpenSSL 3.0 s_client, TLS 1.0-1.3 at SECLEVEL=0" },
	/* pcaps/clients/loopback-clients.pcap, 1st session: openssl
	 * s_client with no options */
	{ "t13i310900_e8f1e7e78f70_1f22a2ca17c4",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-35-22-2"
	  "3-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2",
	  "OpenSSL 3.0 s_client (defaults)" },
	/* pcaps/legacy-negotiated-python-smtplib-starttls-tls1_1.pcap and
	 * loopback-clients.pcap 3rd: Python 3.11 ssl, min TLSv1,
	 * DEFAULT:@SECLEVEL=0 */
	{ "t13i311000_e8f1e7e78f70_24695f2957a7",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-35-22-2"
	  "3-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-"
	  "2",
	  "Python 3.11 ssl (OpenSSL 3.0), TLS 1.0-1.3 at SECLEVEL=0" },
	/* loopback-clients.pcap 2nd: ssl.create_default_context() */
	{ "t13i311000_e8f1e7e78f70_d41ae481755e",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-35-22-2"
	  "3-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-"
	  "2",
	  "Python 3.11 ssl (OpenSSL 3.0), default context" },
	/* pcaps/curl-pop3-stls-tls1_0.pcap (curl --tlsv1.0 --tls-max 1.0) */
	{ "t10i090400_c491f621fb4c_d4d584b446d3",
	  "769,49162-49172-57-49161-49171-51-53-47-255,11-10-22-23,"
	  "29-23-30-25-24,0-1-2",
	  "curl 7.88 (OpenSSL 3.0), TLS 1.0 only" },
	/* pcaps/curl-imaps-default.pcap (curl imaps://, no ALPN) */
	{ "t13i311000_e8f1e7e78f70_b26ce05bbdd6",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-22-23-4"
	  "9-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-"
	  "2",
	  "curl 7.88 (OpenSSL 3.0), mail protocols" },
	/* loopback-clients.pcap 4th: curl https:// (ALPN h2) */
	{ "t13i3111h2_e8f1e7e78f70_b26ce05bbdd6",
	  "771,4866-4867-4865-49196-49200-159-52393-52392-52394-491"
	  "95-49199-158-49188-49192-107-49187-49191-103-49162-49172"
	  "-57-49161-49171-51-157-156-61-60-53-47-255,11-10-16-22-2"
	  "3-49-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0"
	  "-1-2",
	  "curl 7.88 (OpenSSL 3.0), HTTPS" },
	/* loopback-clients.pcap 5th: Java 17 SSLSocket, JDK defaults */
	{ "t13i371100_db35923f8641_7c76daad20ec",
	  "771,4866-4865-4867-49196-49195-52393-49200-52392-49199-1"
	  "59-52394-163-158-162-49188-49192-49187-49191-107-106-103"
	  "-64-49162-49172-49161-49171-57-56-51-50-157-156-61-60-53"
	  "-47-255,5-10-11-17-23-35-13-43-45-50-51,29-23-24-25-30-2"
	  "56-257-258-259-260,0",
	  "Java 17 JSSE (defaults)" },
	/* pcaps/clients/loopback-java-legacy.pcap 1st: Java 17 SSLSocket,
	 * TLSv1 only, re-enabled in java.security */
	{ "t10i220700_8f3dcbce23eb_ddcc4a856434",
	  "769,49162-49172-49161-49171-57-56-51-50-49157-49167-4915"
	  "6-49166-53-47-49160-49170-22-19-49155-49165-10-255,5-10-"
	  "11-17-23-35-43,29-23-24-25-30-256-257-258-259-260,0",
	  "Java 17 JSSE, TLS 1.0 only (re-enabled in java.security)" },
	/* loopback-java-legacy.pcap 2nd: TLSv1 .. TLSv1.3 enabled */
	{ "t13i561100_bc01e4e2260a_7c76daad20ec",
	  "771,4866-4865-4867-49196-49195-52393-49200-52392-49199-1"
	  "59-52394-163-158-162-49188-49192-49187-49191-107-106-103"
	  "-64-49198-49202-49197-49201-49190-49194-49189-49193-4916"
	  "2-49172-49161-49171-57-56-51-50-49157-49167-49156-49166-"
	  "157-156-61-60-53-47-49160-49170-22-19-49155-49165-10-255"
	  ",5-10-11-17-23-35-13-43-45-50-51,29-23-24-25-30-256-257-"
	  "258-259-260,0",
	  "Java 17 JSSE, TLS 1.0-1.3 (legacy versions re-enabled)" },
};

#define NHINTS	(sizeof(hints) / sizeof(hints[0]))

size_t
hints_count(void)
{
	return NHINTS;
}

/*
 * The "i" form of a JA4: a "d" (SNI present) hello has one extension
 * more, server_name.  False when ja4 is not of the form t13d1516h2_...
 */
static bool
hints_no_sni(const char *ja4, char *out, size_t len)
{
	size_t	n = strlen(ja4);
	int	ext;

	/* a: t 13 d 15 16 h2 -- protocol, version, SNI, ciphers (2
	 * digits), extensions (2 digits, at 6 and 7), ALPN */
	if (n + 1 > len || n < 11 || ja4[10] != '_' ||
	    ja4[6] < '0' || ja4[6] > '9' || ja4[7] < '0' || ja4[7] > '9')
		return false;
	memcpy(out, ja4, n + 1);
	if (ja4[3] != 'd')
		return true;
	ext = (ja4[6] - '0') * 10 + (ja4[7] - '0');
	if (ext == 0)
		return false;
	ext--;
	out[3] = 'i';
	out[6] = (char)('0' + ext / 10);
	out[7] = (char)('0' + ext % 10);
	return true;
}

/*
 * The JA3 string with extension 0 (server_name) taken out of its third
 * field, into out; false if it does not fit or is not a JA3 string.
 */
static bool
hints_ja3_no_sni(const char *ja3, char *out, size_t len)
{
	const char	*p = ja3, *f3, *e;
	size_t		 o = 0, n;
	int		 field = 0;

	/* copy the first two fields and their commas */
	while (*p != '\0' && field < 2) {
		if (*p == ',')
			field++;
		if (o + 1 >= len)
			return false;
		out[o++] = *p++;
	}
	if (field < 2)
		return false;
	f3 = p;
	e = strchr(f3, ',');
	if (e == NULL)
		return false;
	while (p < e) {			/* the extensions, less "0" */
		n = strcspn(p, "-,");
		if (!(n == 1 && p[0] == '0')) {
			if (o > 0 && out[o - 1] != ',' && o + 1 < len)
				out[o++] = '-';
			if (o + n >= len)
				return false;
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		if (*p == '-')
			p++;
	}
	n = strlen(e);
	if (o + n + 1 > len)
		return false;
	memcpy(out + o, e, n + 1);
	return true;
}

const char *
hints_lookup(const char *ja4, const char *ja3, const char **source)
{
	char	key[64], j3[4096];
	size_t	i;

	*source = NULL;
	if (ja3 == NULL || !hints_ja3_no_sni(ja3, j3, sizeof(j3)))
		return NULL;
	if (ja4 != NULL && !hints_no_sni(ja4, key, sizeof(key)))
		return NULL;
	for (i = 0; i < NHINTS; i++) {
		if (strcmp(hints[i].ja3, j3) != 0)
			continue;
		if (ja4 != NULL && strcmp(hints[i].ja4, key) != 0)
			continue;
		*source = ja4 != NULL ? "ja4+ja3" : "ja3";
		return hints[i].software;
	}
	return NULL;
}

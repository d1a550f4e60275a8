/*
 * stats.h -- named counters for the operator.
 *
 * One array per thread indexed by enum stat; STAT_INC() is a plain increment.
 * The main thread's array is the process's count: capture workers
 * (capture.workers > 1) each count in their own and fold it into the main
 * thread's now and then (stats_fold(), under output_lock()).  Each counter has
 * a stable dotted name used in the end-of-run summary and in `-v` dumps; the
 * group before the first dot says which stage owns it.
 *
 * A new counter is one X() line here: the stats event, -v and the metrics
 * file (metrics.c: tlsfloor_<name, dots as _>_total) all follow this list.
 */
#ifndef TLSFLOOR_STATS_H
#define TLSFLOOR_STATS_H

#include <stdint.h>
#include <stdio.h>

#define STATS_LIST(X)							\
	X(PKTS,			"capture.packets")			\
	X(BYTES,		"capture.bytes")			\
	X(FILES,		"capture.files")			\
	X(FILE_ERRORS,		"capture.file_errors")			\
	X(FILES_COMPRESSED,	"capture.files_compressed")		\
	X(DEC_TCP,		"decode.tcp")				\
	X(LINK_ETHERNET,	"decode.link.ethernet")			\
	X(LINK_SLL,		"decode.link.linux_sll")		\
	X(LINK_SLL2,		"decode.link.linux_sll2")		\
	X(LINK_RAW,		"decode.link.raw_ip")			\
	X(LINK_NULL,		"decode.link.loopback")			\
	X(ENC_VLAN,		"decode.encap.vlan")			\
	X(ENC_MPLS,		"decode.encap.mpls")			\
	X(ENC_GRE,		"decode.encap.gre")			\
	X(ENC_ERSPAN,		"decode.encap.erspan")			\
	X(ENC_VXLAN,		"decode.encap.vxlan")			\
	X(ENC_GTP,		"decode.encap.gtp_u")			\
	X(ENC_IPIP,		"decode.encap.ip_in_ip")		\
	X(DEC_UNSUP_ENCAP,	"decode.skip.unsupported_encapsulation")\
	X(DEC_TOO_DEEP,		"decode.skip.too_many_encapsulations")	\
	X(DEC_TRUNC_ENCAP,	"decode.skip.truncated_encapsulation")	\
	X(DEC_UNSUP_LINK,	"decode.skip.unsupported_linktype")	\
	X(DEC_TRUNC_LINK,	"decode.skip.truncated_link")		\
	X(DEC_NOT_IP,		"decode.skip.not_ip")			\
	X(DEC_TRUNC_IP,		"decode.skip.truncated_ip")		\
	X(DEC_BAD_IP,		"decode.skip.bad_ip_header")		\
	X(DEC_FRAG_CUT,		"decode.skip.ip_fragment_cut")		\
	X(DEC_TRUNC_TCP,	"decode.skip.truncated_tcp")		\
	X(DEC_BAD_TCP,		"decode.skip.bad_tcp_header")		\
	X(DEC_NOT_TCP,		"decode.skip.not_tcp")			\
	X(DEC_SNAPLEN,		"decode.payload_cut_by_snaplen")	\
	X(DEC_LEN_BEYOND,	"decode.length_beyond_frame")		\
	X(DEC_IP_LEN_FROM_CAPTURE, "decode.ip_length_zero_from_capture")	\
	X(DEFRAG_FRAGMENTS,	"defrag.fragments")			\
	X(DEFRAG_DONE,		"defrag.reassembled")			\
	X(DEFRAG_INCOMPLETE,	"defrag.incomplete")			\
	X(DEFRAG_EVICTED,	"defrag.evicted")			\
	X(DEFRAG_OVERLAP,	"defrag.overlap_conflicts")		\
	X(DEFRAG_BAD,		"defrag.bad_fragments")			\
	X(DEFRAG_NO_MEM,	"defrag.alloc_failed")			\
	X(FLOW_NOT_MAIL,	"flow.packets_not_mail")		\
	X(FLOW_CREATED,		"flow.created")				\
	X(FLOW_MIDSTREAM,	"flow.midstream")			\
	X(FLOW_CLOSED,		"flow.closed")				\
	X(FLOW_TIMEOUT,		"flow.timed_out")			\
	X(FLOW_EVICTED,		"flow.evicted")				\
	X(FLOW_EVICTED_PKTS,	"flow.packets_after_eviction")		\
	X(FLOW_LINGER_PKTS,	"flow.packets_after_close")		\
	X(FLOW_FAST_PKTS,	"flow.packets_verdict_known")		\
	X(FLOW_NO_MEM,		"flow.alloc_failed")			\
	X(FLOW_MEM_PEAK,	"flow.memory_peak")			\
	X(FLOW_MEMCAP,		"flow.memcap_hit")			\
	X(FLOW_CLOCK_HELD,	"flow.clock_jumps_held")		\
	X(DPI_FLOWS,		"dpi.flows_offered")			\
	X(DPI_PACKETS,		"dpi.packets")				\
	X(DPI_MAIL,		"dpi.mail_found")			\
	X(DPI_GIVEUP,		"dpi.not_mail")				\
	X(DPI_BANNER,		"dpi.mail_found_by_greeting")		\
	X(DPI_REPLAY_FULL,	"dpi.replay_full")			\
	X(REASM_SEGS,		"reasm.segments")			\
	X(REASM_OOO,		"reasm.out_of_order")			\
	X(REASM_RETRANS,	"reasm.retransmitted")			\
	X(REASM_OVERLAP,	"reasm.overlaps")			\
	X(REASM_CONFLICT,	"reasm.overlap_conflicts")		\
	X(REASM_GAPS,		"reasm.gaps")				\
	X(REASM_GAP_BYTES,	"reasm.gap_bytes")			\
	X(REASM_QUEUE_FULL,	"reasm.queue_full")			\
	X(REASM_TOO_FAR,	"reasm.segment_too_far_ahead")		\
	X(MAIL_LINE_LONG,	"mail.line_too_long")			\
	X(MAIL_STARTTLS,	"mail.starttls_requested")		\
	X(MAIL_STARTTLS_OK,	"mail.starttls_accepted")		\
	X(MAIL_STARTTLS_NO,	"mail.starttls_refused")		\
	X(MAIL_CLEARTEXT_CREDENTIALS, "mail.cleartext_credentials")	\
	X(MAIL_HELD_FULL,	"mail.held_bytes_full")			\
	X(MAIL_QUEUE_FULL,	"mail.pipeline_full")			\
	X(MAIL_PLAIN_DEPTH,	"mail.plaintext_depth_reached")		\
	X(MAIL_MIDSTREAM_TLS,	"mail.midstream_tls")			\
	X(TLS_RECORDS,		"tls.records")				\
	X(TLS_NOT_TLS,		"tls.not_tls")				\
	X(TLS_BAD_RECORD,	"tls.bad_record")			\
	X(TLS_BAD_HELLO,	"tls.bad_hello")			\
	X(TLS_HELLO_TOO_BIG,	"tls.hello_too_large")			\
	X(TLS_CERTIFICATES,	"tls.certificates")			\
	X(TLS_CERT_TOO_BIG,	"tls.certificate_too_large")		\
	X(TLS_BAD_CERT,		"tls.bad_certificate")			\
	X(TLS_CLIENT_HELLO,	"tls.client_hellos")			\
	X(TLS_SSLV2_HELLO,	"tls.sslv2_client_hellos")		\
	X(TLS_SERVER_HELLO,	"tls.server_hellos")			\
	X(TLS_ALERTS,		"tls.alerts")				\
	X(TLS_GAP,		"tls.hello_lost_in_gap")		\
	X(SESSIONS,		"session.total")			\
	X(SESS_NO_PAYLOAD,	"session.no_payload")			\
	X(SESS_NOT_TLS,		"session.not_tls")			\
	X(SESS_EXCEPTION,	"session.under_exception")		\
	X(RS_CLEARTEXT_CREDENTIALS, "session.reason.cleartext_credentials") \
	X(RS_LEGACY_REFUSED,	"session.reason.legacy_refused")	\
	X(RS_EXCEPTION_EXPIRED,	"session.reason.exception_expired")	\
	X(RS_LEGACY_CLIENT,	"session.reason.legacy_client")		\
	X(RS_LEGACY_NEGOTIATED,	"session.reason.legacy_negotiated")	\
	X(RS_PLAINTEXT,		"session.reason.plaintext")		\
	X(RS_UNKNOWN,		"session.reason.unknown")		\
	X(RS_OK,		"session.reason.ok")			\
	X(OC_ESTABLISHED,	"session.outcome.established")		\
	X(OC_REFUSED,		"session.outcome.refused")		\
	X(OC_SERVER_CLOSE,	"session.outcome.server_close")		\
	X(OC_CLIENT_ABORT,	"session.outcome.client_abort")		\
	X(OC_GAP,		"session.outcome.gap")			\
	X(OC_INCOMPLETE,	"session.outcome.incomplete")		\
	X(OC_PLAINTEXT,		"session.outcome.plaintext")		\
	X(OC_STARTTLS_REFUSED,	"session.outcome.starttls_refused")	\
	X(OUT_ERRORS,		"output.errors")				\
	X(OUT_EVENTS,		"output.events")				\
	X(OUT_LOST,		"output.lost")					\
	X(OUT_ALERTS,		"output.alerts")				\
	X(OUT_ALERTS_DEDUP,	"output.alerts_deduplicated")		\
	X(OUT_SUMMARIES,	"output.alert_summaries")		\
	X(OUT_SYSLOG,		"output.syslog.sent")			\
	X(OUT_REMOTE_EVENTS,	"output.remote.events")			\
	X(OUT_REMOTE_SENT,	"output.remote.sent")			\
	X(OUT_REMOTE_ACKNOWLEDGED, "output.remote.acknowledged")	\
	X(OUT_REMOTE_DROPPED,	"output.remote.dropped")		\
	X(OUT_REMOTE_FAILED,	"output.remote.failed")			\
	X(OUT_REMOTE_TRIMMED,	"output.remote.trimmed")		\
	X(OUT_REMOTE_CUT,	"output.remote.cut")			\
	X(OUT_REMOTE_CONNECTS,	"output.remote.connects")		\
	X(OUT_REMOTE_ERRORS,	"output.remote.errors")			\
	X(METRICS_WRITES,	"metrics.writes")			\
	X(METRICS_ERRORS,	"metrics.write_errors")			\
	X(OUT_REMOTE_TLS_FAILED, "output.remote.tls_failures")		\
	X(OUT_REMOTE_RESOLVE_FAILED, "output.remote.resolve_failures")	\
	X(INV_RECORDS,		"inventory.records")			\
	X(INV_FULL,		"inventory.records_dropped")		\
	X(INV_WRITES,		"inventory.writes")			\
	X(INV_WRITE_ERRORS,	"inventory.write_errors")		\
	X(STORE_WRITTEN,	"store.sessions_written")		\
	X(STORE_DROPPED,	"store.sessions_dropped")		\
	X(STORE_COMMITS,	"store.commits")			\
	X(STORE_ERRORS,		"store.write_errors")			\
	X(STORE_REPORTS,	"store.reports")			\
	X(DNS_MESSAGES,		"dns.messages")				\
	X(DNS_ANSWERS,		"dns.answers_cached")			\
	X(DNS_BAD,		"dns.malformed")			\
	X(DNS_EVICTED,		"dns.evicted")

enum stat_id {
#define STAT_ENUM(id, name)	STAT_##id,
	STATS_LIST(STAT_ENUM)
#undef STAT_ENUM
	STAT_MAX
};

extern _Thread_local uint64_t	stats[STAT_MAX];

#define STAT_INC(id)		(stats[STAT_##id]++)
#define STAT_ADD(id, n)		(stats[STAT_##id] += (n))

const char	*stats_name(enum stat_id);
uint64_t	*stats_self(void);
void		 stats_fold(uint64_t *into);
void		 stats_dump(FILE *);
void		 stats_summary(FILE *, const char *prog);

#endif /* TLSFLOOR_STATS_H */

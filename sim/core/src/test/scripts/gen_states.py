#!/usr/bin/env python3
"""Generates the TCP state-matrix packetdrill scripts.

Every cell of  state x arriving segment kind x sequence position  becomes one script in
sim/core/src/test/resources/packetdrill/states/<state>/<kind>-<position>.pkt.  Each script drives the
connection into the state with a shared preamble, injects one segment, asserts the exact reply (or, when
none is due, that the next segment the stack sends is the answer to a probe, so nothing was sent in
between) and the state afterwards, and names in a comment the rule (RFC 9293 section, RFC 5961 section or
FreeBSD 14 function) that decides the cell.

Run from the repository root:  python3 sim/core/src/test/scripts/gen_states.py
The output is deterministic; committed scripts must equal a fresh run (the generator removes scripts of
the states' directories that it no longer produces; scripts written by hand in states/ itself stay).
"""

import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources",
                                     "packetdrill", "states"))

# The receive buffer: a multiple of the peer's MSS (1000), so FreeBSD's tcp_mss() rounding leaves it as
# it is, and below 65535, so the window we advertise without scaling is the buffer itself.
W = 64000
PEER_WIN = 65535
PEER_SYN_OPTS = "<mss 1000,sackOK,nop,nop>"
# What FreeBSD answers to a SYN carrying only MSS and SACK-permitted: tcp_addoptions() writes MSS then
# SACK-permitted and pads the 6 bytes with EOL to a multiple of 4.
OUR_SYNACK_OPTS = "<mss 1460,sackOK,eol,eol>"
OUR_SYN_OPTS = "<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>"
PROBE_SEQ = 200001  # far beyond any window of these scripts: always outside

STATES = ["LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]
KINDS = ["syn", "syn-ack", "syn-fin", "fin", "ack", "rst", "rst-ack", "data"]
POSITIONS = ["left-edge", "right-edge", "outside"]

HEADER = [
    "--ip_version=ipv4",
    "--tolerance_usecs=10000",
    "",
    f"0 `sysctl -w net.inet.tcp.recvspace={W}`",
]


def client_open():
    return [
        "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
        "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
        "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
        f"+0 > S 0:0(0) win {W} {OUR_SYN_OPTS}",
    ]


def established():
    return client_open() + [
        f"+0.1 < S. 0:0(0) ack 1 win {PEER_WIN} {PEER_SYN_OPTS}",
        f"+0 > . 1:1(0) ack 1 win {W}",
    ]


def passive_established():
    return [
        "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
        "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
        "+0 bind(3, ..., ...) = 0",
        "+0 listen(3, 1) = 0",
        f"+0 < S 0:0(0) win {PEER_WIN} {PEER_SYN_OPTS}",
        f"+0 > S. 0:0(0) ack 1 win {W} {OUR_SYNACK_OPTS}",
        f"+0.1 < . 1:1(0) ack 1 win {PEER_WIN}",
        "+0 accept(3, ..., ...) = 4",
    ]


class Ctx:
    """Where the preamble leaves the connection: RCV.NXT and SND.NXT relative to the ISNs."""

    def __init__(self, lines, rcv_nxt, snd_nxt, fin_outstanding=False, note=""):
        self.lines = lines
        self.rcv_nxt = rcv_nxt
        self.snd_nxt = snd_nxt
        self.fin_outstanding = fin_outstanding
        self.note = note


def preamble(state):
    if state == "LISTEN":
        return Ctx([
            "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
            "+0 bind(3, ..., ...) = 0",
            "+0 listen(3, 1) = 0",
        ], None, None, note="a listening socket (no connection: no window, no ISN of ours yet)")
    if state == "SYN_SENT":
        return Ctx(client_open(), None, 1, note="connect() sent our SYN (ISS is relative 0, SND.NXT 1)")
    if state == "SYN_RECEIVED":
        return Ctx(client_open() + [
            f"+0.1 < S 0:0(0) win {PEER_WIN} {PEER_SYN_OPTS}",
            f"+0 > S. 0:0(0) ack 1 win {W} {OUR_SYNACK_OPTS}",
        ], 1, 1, note="simultaneous open: our SYN crossed the peer's SYN (RFC 9293 3.5, Figure 7), so the "
                      "connection has a control block in SYN-RECEIVED that TCP_INFO shows")
    if state == "ESTABLISHED":
        return Ctx(established(), 1, 1, note="active open completed")
    if state == "FIN_WAIT_1":
        return Ctx(established() + [
            "+0.1 shutdown(3, SHUT_WR) = 0",
            f"+0 > F. 1:1(0) ack 1 win {W}",
        ], 1, 2, fin_outstanding=True, note="shutdown(SHUT_WR) sent our FIN, not acknowledged yet")
    if state == "FIN_WAIT_2":
        return Ctx(established() + [
            "+0.1 shutdown(3, SHUT_WR) = 0",
            f"+0 > F. 1:1(0) ack 1 win {W}",
            f"+0.05 < . 1:1(0) ack 2 win {PEER_WIN}",
        ], 1, 2, note="our FIN sent and acknowledged")
    if state == "CLOSE_WAIT":
        return Ctx(established() + [
            f"+0.1 < F. 1:1(0) ack 1 win {PEER_WIN}",
            f"+0 > . 1:1(0) ack 2 win {W}",
        ], 2, 1, note="the peer's FIN received and acknowledged")
    if state == "CLOSING":
        # FreeBSD's tcp_output() sets FIN on every segment while the state calls for a FIN and ours is
        # unacknowledged (tcp_outflags[]), so the ACK of the peer's FIN retransmits our FIN.
        return Ctx(established() + [
            "+0.1 shutdown(3, SHUT_WR) = 0",
            f"+0 > F. 1:1(0) ack 1 win {W}",
            f"+0.05 < F. 1:1(0) ack 1 win {PEER_WIN}",
            f"+0 > F. 1:1(0) ack 2 win {W}",
        ], 2, 2, fin_outstanding=True, note="simultaneous close: the peer's FIN crossed ours; ours is "
                                            "unacknowledged (FreeBSD resends it with the ACK)")
    if state == "LAST_ACK":
        return Ctx(established() + [
            f"+0.1 < F. 1:1(0) ack 1 win {PEER_WIN}",
            f"+0 > . 1:1(0) ack 2 win {W}",
            "+0.05 shutdown(3, SHUT_WR) = 0",
            f"+0 > F. 1:1(0) ack 2 win {W}",
        ], 2, 2, fin_outstanding=True, note="CLOSE-WAIT, then shutdown(SHUT_WR) sent our FIN, "
                                            "unacknowledged")
    if state == "TIME_WAIT":
        return Ctx(passive_established() + [
            "+0.1 shutdown(4, SHUT_WR) = 0",
            f"+0 > F. 1:1(0) ack 1 win {W}",
            f"+0.05 < . 1:1(0) ack 2 win {PEER_WIN}",
            f"+0.05 < F. 1:1(0) ack 2 win {PEER_WIN}",
            f"+0 > . 2:2(0) ack 2 win {W}",
        ], 2, 2, note="a passive open (the listener stays open), shutdown(SHUT_WR) on the accepted socket, "
                      "the peer's ACK and FIN: TIME-WAIT with the socket still open, so TCP_INFO still "
                      "reports the connection, and a new SYN that recycles the TIME-WAIT finds the listener")
    raise ValueError(state)


def seg(kind, seq, ack):
    """The arriving segment; ack is None for kinds without the ACK bit."""
    a = f" ack {ack}" if ack is not None else ""
    if kind == "syn":
        return f"< S {seq}:{seq}(0) win {PEER_WIN} {PEER_SYN_OPTS}"
    if kind == "syn-ack":
        return f"< S. {seq}:{seq}(0){a} win {PEER_WIN} {PEER_SYN_OPTS}"
    if kind == "syn-fin":
        return f"< SF {seq}:{seq}(0) win {PEER_WIN} {PEER_SYN_OPTS}"
    if kind == "fin":
        return f"< F. {seq}:{seq}(0){a} win {PEER_WIN}"
    if kind == "ack":
        return f"< . {seq}:{seq}(0){a} win {PEER_WIN}"
    if kind == "rst":
        return f"< R {seq}:{seq}(0) win {PEER_WIN}"
    if kind == "rst-ack":
        return f"< R. {seq}:{seq}(0){a} win {PEER_WIN}"
    if kind == "data":
        return f"< P. {seq}:{seq + 10}(10){a} win {PEER_WIN}"
    raise ValueError(kind)


KIND_NAMES = {"syn": "SYN", "syn-ack": "SYN+ACK", "syn-fin": "SYN+FIN", "fin": "FIN+ACK", "ack": "ACK",
              "rst": "RST", "rst-ack": "RST+ACK", "data": "data (10 bytes, PSH+ACK)"}
HAS_ACK = {"syn-ack", "fin", "ack", "rst-ack", "data"}


class Cell:
    def __init__(self, replies, after, rule, probe=None):
        self.replies = replies      # list of "> ..." lines (each may carry its own "+delay ")
        self.after = after          # state name after the segment
        self.rule = rule            # the comment naming the rule
        self.probe = probe          # (inbound line, expected reply) proving nothing else was sent


# ---- replies ---------------------------------------------------------------------------------------

def ack_line(snd, rcv, win=W, opts=""):
    return f"> . {snd}:{snd}(0) ack {rcv} win {win}{(' ' + opts) if opts else ''}"


def output_ack(ctx, rcv, fin_outstanding, win=W, opts=""):
    """An ACK built by tcp_output(): carries our FIN again while it is unacknowledged."""
    if fin_outstanding:
        return f"> F. {ctx.snd_nxt - 1}:{ctx.snd_nxt - 1}(0) ack {rcv} win {win}{(' ' + opts) if opts else ''}"
    return ack_line(ctx.snd_nxt, rcv, win, opts)


def challenge(ctx):
    """tcp_respond(tp, ..., rcv_nxt, snd_nxt, TH_ACK): a bare ACK, never a FIN, never options."""
    return ack_line(ctx.snd_nxt, ctx.rcv_nxt)


def rst_for_ack(ack):
    return f"> R {ack}:{ack}(0) win 0"


def probe_for(state, ctx):
    """A segment whose answer is certain in the given final state, with that answer."""
    if state in ("CLOSED",):
        return (f"< . {PROBE_SEQ}:{PROBE_SEQ}(0) ack {ctx.snd_nxt} win {PEER_WIN}",
                rst_for_ack(ctx.snd_nxt),
                "no connection any more: tcp_dropwithreset() answers an ACK with RST seq=SEG.ACK")
    if state == "LISTEN":
        return (f"< . 0:0(0) ack 5000 win {PEER_WIN}", rst_for_ack(5000),
                "an ACK to a listener without a syncache entry is answered by RST seq=SEG.ACK")
    if state == "SYN_SENT":
        return (f"< . 0:0(0) ack 5 win {PEER_WIN}", rst_for_ack(5),
                "an unacceptable ACK in SYN-SENT is answered by RST seq=SEG.ACK")
    if state == "SYN_RECEIVED":
        return (f"< . 1:1(0) ack 5 win {PEER_WIN}", rst_for_ack(5),
                "an ACK outside (SND.UNA, SND.MAX] in SYN-RECEIVED is answered by RST seq=SEG.ACK")
    if state == "TIME_WAIT":
        return (f"< P. {PROBE_SEQ}:{PROBE_SEQ + 1}(1) ack {ctx.snd_nxt} win {PEER_WIN}",
                ack_line(ctx.snd_nxt, ctx.rcv_nxt),
                "tcp_twcheck() answers a segment with data by an ACK")
    # synchronized states
    fin = state in ("FIN_WAIT_1", "CLOSING", "LAST_ACK")
    return (f"< P. {PROBE_SEQ}:{PROBE_SEQ + 1}(1) ack {ctx.snd_nxt} win {PEER_WIN}",
            output_ack(ctx, ctx.rcv_nxt, fin),
            "data beyond the window is dropped and acknowledged (RFC 9293 3.10.7.4, first check)")


# ---- the matrix --------------------------------------------------------------------------------------

RST_RULE_SYNC = {
    "left-edge": "RFC 5961 3.2 / RFC 9293 3.10.7.4 (second check): RST with SEG.SEQ = RCV.NXT resets the "
                 "connection (FreeBSD tcp_do_segment: SEG.SEQ == last_ack_sent); no reply",
    "right-edge": "RFC 5961 3.2: RST inside the window but not at RCV.NXT draws a challenge ACK "
                  "(FreeBSD tcp_do_segment -> tcp_send_challenge_ack, insecure_rst=0)",
    "outside": "RFC 9293 3.10.7.4: RST outside the window is dropped silently",
}


def cell(state, kind, pos, ctx):
    sync = state in ("ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK")
    if state == "LISTEN":
        return listen_cell(kind, pos)
    if state == "SYN_SENT":
        return syn_sent_cell(kind, pos, ctx)
    if state == "SYN_RECEIVED":
        return syn_rcvd_cell(kind, pos, ctx)
    if state == "TIME_WAIT":
        return time_wait_cell(kind, pos, ctx)
    assert sync
    return sync_cell(state, kind, pos, ctx)


def seq_at(ctx, pos):
    return {"left-edge": ctx.rcv_nxt, "right-edge": ctx.rcv_nxt + W - 1, "outside": ctx.rcv_nxt + W}[pos]


def listen_cell(kind, pos):
    seq = {"left-edge": 0, "right-edge": W - 1, "outside": W}[pos]
    same = ("A listener has no receive window, so the three positions (SEG.SEQ 0, 63999, 64000) are "
            "alike: ")
    if kind in ("syn", "syn-fin"):
        extra = ("; net.inet.tcp.drop_synfin=0 (default) lets SYN+FIN through and the FIN is ignored"
                 if kind == "syn-fin" else "")
        return Cell([f"> S. 0:0(0) ack {seq + 1} win {W} {OUR_SYNACK_OPTS}"], "LISTEN",
                    same + "RFC 9293 3.10.7.2 (third check): a SYN is answered by SYN,ACK from the SYN cache "
                    "(FreeBSD syncache_add/syncache_respond) and the listener stays in LISTEN" + extra), seq, None
    if kind in ("rst", "rst-ack"):
        return Cell([], "LISTEN", same + "RFC 9293 3.10.7.2 (first check): an incoming RST is ignored "
                    "(FreeBSD: syncache_chkrst finds no entry)"), seq, 1000 if kind == "rst-ack" else None
    if kind == "syn-ack":
        return Cell([], "LISTEN", same + "FreeBSD's tcp_input ignores a SYN+ACK on a listen socket (SYN|ACK "
                    "invalid, segment ignored: tcps_badsyn, no RST), where RFC 9293 3.10.7.2 (second check) "
                    "would answer <SEQ=SEG.ACK><CTL=RST>"), seq, 1000
    # segments with ACK and without SYN or RST
    rule = (same + "RFC 9293 3.10.7.2 (second check): any acknowledgment is bad in LISTEN and is answered by "
            "<SEQ=SEG.ACK><CTL=RST> (FreeBSD tcp_input: syncache_expand finds no entry -> tcp_dropwithreset)")
    return Cell([rst_for_ack(1000)], "LISTEN", rule), seq, 1000


def syn_sent_cell(kind, pos, ctx):
    if kind in HAS_ACK:
        ack = {"left-edge": 0, "right-edge": 1, "outside": 2}[pos]
        seq = 0
        posnote = (f"Position is that of SEG.ACK against ISS < SEG.ACK =< SND.NXT: SEG.ACK = "
                   f"{ {'left-edge': 'ISS (just left of the acceptable range)', 'right-edge': 'SND.NXT (the only acceptable value)', 'outside': 'SND.NXT+1'}[pos] }. ")
        good = pos == "right-edge"
        if not good:
            if kind == "rst-ack":
                return Cell([], "SYN_SENT", posnote + "RFC 9293 3.10.7.3: an unacceptable ACK with RST is "
                            "dropped (FreeBSD tcp_dropwithreset never answers a RST)"), seq, ack
            return Cell([rst_for_ack(ack)], "SYN_SENT", posnote + "RFC 9293 3.10.7.3 (first check): an "
                        "unacceptable ACK is answered by <SEQ=SEG.ACK><CTL=RST> and the segment dropped "
                        "(FreeBSD tcp_do_segment: SEG.ACK <= ISS or > SND.MAX -> dropwithreset)"), seq, ack
        if kind == "syn-ack":
            return Cell([ack_line(1, 1)], "ESTABLISHED", posnote + "RFC 9293 3.10.7.3 (fourth check): SYN,ACK "
                        "acknowledging our SYN establishes the connection and is acknowledged"), seq, ack
        if kind == "rst-ack":
            return Cell([], "CLOSED", posnote + "RFC 9293 3.10.7.3 (second check): RST with an acceptable ACK "
                        "refuses the connection (FreeBSD: tcp_drop(ECONNREFUSED)); no reply"), seq, ack
        return Cell([], "SYN_SENT", posnote + "RFC 9293 3.10.7.3 (fifth check): acceptable ACK but neither "
                    "SYN nor RST: the segment is dropped (FreeBSD tcp_do_segment: !TH_SYN -> drop)"), seq, ack
    seq = {"left-edge": 0, "right-edge": W - 1, "outside": W}[pos]
    same = ("No RCV.NXT exists in SYN-SENT, so SEG.SEQ (0, 63999, 64000 here) cannot be in or out of a "
            "window and the three positions are alike: ")
    if kind == "rst":
        return Cell([], "SYN_SENT", same + "RFC 9293 3.10.7.3 (second check): RST without ACK is dropped"), seq, None
    extra = (" net.inet.tcp.drop_synfin=0 (default): SYN+FIN is taken as a SYN; the FIN waits in the "
             "reassembly queue until the connection is established (FreeBSD tcp_reass)." if kind == "syn-fin" else "")
    return Cell([f"> S. 0:0(0) ack {seq + 1} win {W} {OUR_SYNACK_OPTS}"], "SYN_RECEIVED",
                same + "RFC 9293 3.10.7.3 (fourth check): a SYN without ACK is a simultaneous open: enter "
                "SYN-RECEIVED and send SYN,ACK (FreeBSD: TF_NEEDSYN; window scale and timestamps are dropped "
                "because the peer's SYN did not offer them)." + extra), seq, None


def syn_rcvd_cell(kind, pos, ctx):
    seq = seq_at(ctx, pos)
    ack = 1 if kind in HAS_ACK else None
    synack = f"> S. 0:0(0) ack 1 win {W} {OUR_SYNACK_OPTS}"
    if kind in ("rst", "rst-ack"):
        if pos == "left-edge":
            return Cell([], "CLOSED", RST_RULE_SYNC[pos] + " (ECONNREFUSED in SYN-RECEIVED)"), seq, ack
        if pos == "right-edge":
            return Cell([challenge(ctx)], "SYN_RECEIVED", RST_RULE_SYNC[pos]), seq, ack
        return Cell([], "SYN_RECEIVED", RST_RULE_SYNC[pos]), seq, ack
    if kind == "syn":
        return Cell([], "SYN_RECEIVED", "FreeBSD deviation from RFC 9293 3.10.7.4 / RFC 5961 4.2: "
                    "tcp_do_segment exempts SYN-RECEIVED from the SYN challenge ACK; the SYN without ACK "
                    "goes to step 6 and is ignored, nothing is sent (all positions alike: a zero-length "
                    "segment is never trimmed at the right edge)"), seq, ack
    if kind == "syn-fin":
        return Cell([synack], "SYN_RECEIVED", "FreeBSD tcp_do_segment: SYN-RECEIVED is exempt from the SYN "
                    "challenge ACK; without ACK the segment goes to step 6, the FIN is queued by tcp_reass "
                    "(not processed before ESTABLISHED) with TF_ACKNOW, and tcp_output in SYN-RECEIVED "
                    "resends our SYN,ACK"), seq, ack
    if kind in ("syn-ack", "ack"):
        return Cell([], "ESTABLISHED", "RFC 9293 3.10.7.4 (fifth check, SYN-RECEIVED): an ACK with "
                    "SND.UNA < SEG.ACK =< SND.NXT establishes the connection; nothing to send. FreeBSD "
                    "ignores the SYN bit in SYN-RECEIVED and does not trim a zero-length segment at "
                    "SEG.SEQ = RCV.NXT+RCV.WND, so all positions are alike"), seq, ack
    if kind == "fin":
        if pos == "left-edge":
            return Cell([ack_line(1, 2)], "CLOSE_WAIT", "RFC 9293 3.10.7.4: the ACK establishes the "
                        "connection, then the in-order FIN moves it to CLOSE-WAIT and is acknowledged"), seq, ack
        return Cell([ack_line(1, 1)], "ESTABLISHED", "The ACK establishes the connection; the FIN is out of "
                    "order (SEG.SEQ > RCV.NXT) and queued, answered by an immediate duplicate ACK (FreeBSD "
                    "tcp_reass + TF_ACKNOW; a zero-length segment at RCV.NXT+RCV.WND is not trimmed)"), seq, ack
    if kind == "data":
        if pos == "left-edge":
            return Cell([f"+0.04 {ack_line(1, 11, W - 10)}"], "ESTABLISHED", "The ACK establishes the "
                        "connection and the in-order data is delivered; FreeBSD delays the ACK by "
                        "net.inet.tcp.delacktime (40 ms, DELAY_ACK)"), seq, ack
        if pos == "right-edge":
            return Cell([ack_line(1, 1, W, f"<nop,nop,sack {seq}:{seq + 1}>")], "ESTABLISHED",
                        "The ACK establishes the connection; the data is trimmed to the window (one byte), "
                        "queued out of order and acknowledged at once with a SACK block (RFC 2018)"), seq, ack
        return Cell([synack], "SYN_RECEIVED", "RFC 9293 3.10.7.4 (first check): data wholly outside the "
                    "window is dropped and acknowledged; in SYN-RECEIVED FreeBSD's dropafterack calls "
                    "tcp_output, which resends our SYN,ACK"), seq, ack
    raise ValueError(kind)


def time_wait_cell(kind, pos, ctx):
    seq = seq_at(ctx, pos)
    ack = ctx.snd_nxt if kind in HAS_ACK else None
    tw_ack = ack_line(ctx.snd_nxt, ctx.rcv_nxt)
    if kind in ("rst", "rst-ack"):
        return Cell([], "TIME_WAIT", "FreeBSD tcp_twcheck drops every RST in TIME-WAIT (RFC 1337, "
                    "TIME-WAIT assassination), a deviation from RFC 9293 3.10.7.4 which would close; all "
                    "positions alike"), seq, ack
    if kind in ("syn", "syn-fin"):
        if pos == "left-edge":
            return Cell([], "TIME_WAIT", "FreeBSD tcp_twcheck: a SYN whose SEG.SEQ is not above RCV.NXT does "
                        "not recycle the TIME-WAIT; without ACK it is dropped silently"), seq, ack
        return Cell([f"> S. 0:0(0) ack {seq + 1} win {W} {OUR_SYNACK_OPTS}"], "CLOSED",
                    "FreeBSD tcp_twcheck: a SYN without ACK with SEG.SEQ above RCV.NXT closes the TIME-WAIT "
                    "connection (tcp_twclose, tcps_tw_recycles; RFC 9293 3.10.7.4 allows it for a SYN above "
                    "the old sequence space) and is looked up again: the listener answers it with a SYN,ACK "
                    "of a new connection (syncache_add)" +
                    ("; net.inet.tcp.drop_synfin=0, the FIN is ignored" if kind == "syn-fin" else "")), seq, ack
    if kind == "ack" and pos == "left-edge":
        return Cell([], "TIME_WAIT", "FreeBSD tcp_twcheck: a bare ACK with SEG.SEQ = RCV.NXT and SEG.ACK = "
                    "SND.NXT is a duplicate and is not answered"), seq, ack
    why = {"ack": "a bare ACK not at RCV.NXT", "fin": "a FIN (not the retransmission of the peer's FIN)",
           "syn-ack": "a segment with SYN and ACK (not a new connection request)", "data": "a segment with data"}[kind]
    return Cell([tw_ack], "TIME_WAIT", f"FreeBSD tcp_twcheck: {why} is answered by an ACK "
                "(tcp_twrespond); RFC 9293 3.10.7.4 acknowledges in TIME-WAIT too; all positions alike "
                "because tcp_twcheck does not look at the window"), seq, ack


def sync_cell(state, kind, pos, ctx):
    seq = seq_at(ctx, pos)
    ack = ctx.snd_nxt if kind in HAS_ACK else None
    fin_out = ctx.fin_outstanding
    rcvd_fin = state in ("CLOSE_WAIT", "CLOSING", "LAST_ACK")
    # what the ACK of our FIN (SEG.ACK = SND.NXT) does to the state
    acked_state = {"ESTABLISHED": "ESTABLISHED", "FIN_WAIT_1": "FIN_WAIT_2", "FIN_WAIT_2": "FIN_WAIT_2",
                   "CLOSE_WAIT": "CLOSE_WAIT", "CLOSING": "TIME_WAIT", "LAST_ACK": "CLOSED"}[state]
    ack_rule = {"ESTABLISHED": "nothing new to acknowledge",
                "FIN_WAIT_1": "SEG.ACK = SND.NXT acknowledges our FIN: FIN-WAIT-1 -> FIN-WAIT-2",
                "FIN_WAIT_2": "nothing new to acknowledge",
                "CLOSE_WAIT": "nothing new to acknowledge",
                "CLOSING": "SEG.ACK acknowledges our FIN: CLOSING -> TIME-WAIT",
                "LAST_ACK": "SEG.ACK acknowledges our FIN: LAST-ACK -> CLOSED"}[state]
    no_trim = ("FreeBSD tcp_do_segment trims only what lies beyond RCV.NXT+RCV.WND, so a zero-length "
               "segment at SEG.SEQ = RCV.NXT+RCV.WND is processed like an in-window one (RFC 9293 3.10.7.4 "
               "would drop it and send an ACK)")
    if kind in ("rst", "rst-ack"):
        extra = " (the ACK field of RST,ACK is not examined in synchronized states)" if kind == "rst-ack" else ""
        if pos == "left-edge":
            return Cell([], "CLOSED", RST_RULE_SYNC[pos] + extra), seq, ack
        if pos == "right-edge":
            return Cell([challenge(ctx)], state, RST_RULE_SYNC[pos] + extra), seq, ack
        return Cell([], state, RST_RULE_SYNC[pos] + extra), seq, ack
    if kind in ("syn", "syn-ack", "syn-fin"):
        return Cell([challenge(ctx)], state, "RFC 5961 4.2 / RFC 9293 3.10.7.4 (fourth check): any SYN in a "
                    "synchronized state draws a challenge ACK, wherever SEG.SEQ lies (FreeBSD tcp_do_segment, "
                    "insecure_syn=0); the connection is unchanged"), seq, ack
    if kind == "ack":
        rule = "RFC 9293 3.10.7.4 (fifth check): " + ack_rule
        if pos == "outside":
            rule += ". " + no_trim
        return Cell([], acked_state, rule), seq, ack
    if kind == "fin":
        if pos == "left-edge":
            if state == "ESTABLISHED":
                return Cell([ack_line(1, 2)], "CLOSE_WAIT", "RFC 9293 3.10.7.4 (eighth check): an in-order "
                            "FIN moves ESTABLISHED to CLOSE-WAIT and is acknowledged at once"), seq, ack
            if state in ("FIN_WAIT_1", "FIN_WAIT_2"):
                return Cell([ack_line(2, 2)], "TIME_WAIT", "RFC 9293 3.10.7.4: SEG.ACK acknowledges our FIN "
                            "(-> FIN-WAIT-2) and the in-order FIN moves FIN-WAIT-2 to TIME-WAIT; the FIN is "
                            "acknowledged at once"), seq, ack
            return Cell([], acked_state, "A FIN was already received (RCV.NXT is past it): FreeBSD ignores "
                        "text and FIN after the peer's FIN (TCPS_HAVERCVDFIN) and sends nothing; "
                        + ack_rule), seq, ack
        # out of order FIN
        rule = ack_rule + "; "
        if rcvd_fin:
            rule += "a FIN after the peer's FIN is ignored (TCPS_HAVERCVDFIN), nothing is sent"
            if pos == "outside":
                rule += ". " + no_trim
            return Cell([], acked_state, rule), seq, ack
        after = acked_state
        rule += ("the FIN is beyond RCV.NXT: queued by tcp_reass and answered by an immediate duplicate ACK "
                 "(no SACK block: it carries no data)")
        if pos == "outside":
            rule += ". " + no_trim + "; here both lead to the same ACK"
        snd = 2 if state in ("FIN_WAIT_1", "FIN_WAIT_2") else 1
        return Cell([ack_line(snd, ctx.rcv_nxt)], after, rule), seq, ack
    if kind == "data":
        if pos == "outside":
            return Cell([output_ack(ctx, ctx.rcv_nxt, fin_out)], state, "RFC 9293 3.10.7.4 (first check): "
                        "data wholly beyond the window is dropped and acknowledged before the ACK field is "
                        "looked at (FreeBSD dropafterack -> tcp_output" +
                        (", which resends our unacknowledged FIN)" if fin_out else ")")), seq, ack
        if rcvd_fin:
            return Cell([], acked_state, ack_rule + "; text after the peer's FIN is ignored (RFC 9293 "
                        "3.10.7.4, seventh check; FreeBSD TCPS_HAVERCVDFIN), nothing is sent"), seq, ack
        snd = 2 if state in ("FIN_WAIT_1", "FIN_WAIT_2") else 1
        if pos == "left-edge":
            return Cell([f"+0.04 {ack_line(snd, 11, W - 10)}"], acked_state, ack_rule + "; in-order data is "
                        "delivered and its ACK delayed by net.inet.tcp.delacktime (40 ms, FreeBSD DELAY_ACK); "
                        "the window shrinks by the 10 unread bytes"), seq, ack
        return Cell([ack_line(snd, ctx.rcv_nxt, W, f"<nop,nop,sack {seq}:{seq + 1}>")], acked_state,
                    ack_rule + "; the data is trimmed to the window (its first byte is the last byte of the "
                    "window), queued out of order and acknowledged at once with a SACK block (RFC 2018; "
                    "FreeBSD tcp_reass + tcp_update_sack_list)"), seq, ack
    raise ValueError(kind)


def render(state, kind, pos):
    ctx = preamble(state)
    c, seq, ack = cell(state, kind, pos, ctx)
    out = []
    out.append(f"// State matrix: {KIND_NAMES[kind]} arriving in {state}, sequence position: {pos}.")
    for line in wrap(f"Preamble: {ctx.note}."):
        out.append("// " + line)
    if ctx.rcv_nxt is not None:
        out.append(f"// RCV.NXT = {ctx.rcv_nxt}, RCV.WND = {W} (relative sequence numbers).")
    for line in wrap("Rule: " + c.rule):
        out.append("// " + line)
    out.append("// Generated by sim/core/src/test/scripts/gen_states.py; edit the generator, not this file.")
    out.append("")
    out += HEADER
    out += ctx.lines
    out.append("")
    out.append("+0.1 " + seg(kind, seq, ack))
    for r in c.replies:
        out.append(r if r.startswith("+") else "+0 " + r)
    delay = "+0.01" if not any(r.startswith("+") for r in c.replies) else "+0"
    out.append(f"{delay} %{{ assert tcpi_state == TCPI_{c.after} }}%")
    if not c.replies:
        pctx = after_ctx(state, c.after, ctx)
        inbound, reply, why = probe_for(c.after, pctx)
        for line in wrap(f"Nothing was sent: the next segment is the answer to this probe ({why})."):
            out.append("// " + line)
        out.append("+0.01 " + inbound)
        out.append("+0 " + reply)
    return "\n".join(out) + "\n"


def after_ctx(state, after, ctx):
    """SND.NXT/RCV.NXT after a cell without reply (no data or FIN was accepted in those cells)."""
    if after == "SYN_SENT":
        return Ctx([], None, 1)
    if after == "CLOSED":
        return Ctx([], ctx.rcv_nxt, ctx.snd_nxt if ctx.snd_nxt is not None else 1)
    return Ctx([], ctx.rcv_nxt, ctx.snd_nxt, ctx.fin_outstanding and after == state)


def wrap(text, width=104):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    return lines


def main():
    produced = set()
    for state in STATES:
        d = os.path.join(ROOT, state.lower().replace("_", "-"))
        os.makedirs(d, exist_ok=True)
        for kind in KINDS:
            for pos in POSITIONS:
                path = os.path.join(d, f"{kind}-{pos}.pkt")
                produced.add(path)
                with open(path, "w") as f:
                    f.write(render(state, kind, pos))
    # only the states' own directories: scripts written by hand beside them (in ROOT itself) stay
    for state in STATES:
        d = os.path.join(ROOT, state.lower().replace("_", "-"))
        for name in os.listdir(d):
            p = os.path.join(d, name)
            if name.endswith(".pkt") and p not in produced:
                os.remove(p)
    print(f"{len(produced)} scripts in {os.path.relpath(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

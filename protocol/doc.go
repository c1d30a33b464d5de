// Package protocol is the wire contract between coffer-agent and the control
// plane: the tunnel (websocket carrying one yamux session), the framing of
// messages on each stream, the handshake and the message types.
//
// Every operation runs on its own yamux stream. A stream starts with a Header
// frame naming the operation, then carries request, progress and result
// frames. Frames are JSON preceded by a 4-byte big-endian length and may not
// exceed MaxFrameSize, which bounds what a peer can make the other buffer.
package protocol

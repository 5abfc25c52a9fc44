/**
 * JSON shapes exchanged with the attune-jupyter server extension and the widgets.
 *
 * These mirror the Python `to_dict()` methods of `attune_jupyter.core` (Turn, Transcript); a Python
 * test (tests/unit/test_api_types.py) checks that the keys agree, so change both together.
 */

/** Who spoke a turn. */
export type Role = 'therapist' | 'client' | 'other';

/** One speaker's contiguous talk. */
export interface ITurn {
  id: string;
  speaker: string;
  role: Role;
  text: string;
  /** Seconds from the start of the session, or null when the source has no times. */
  start: number | null;
  end: number | null;
}

/** A parsed transcript. */
export interface ITranscript {
  id: string;
  turns: ITurn[];
}

/** Reply of GET /attune/api/transcripts?path=... */
export interface ITranscriptReply {
  path: string;
  format: string;
  transcript: ITranscript;
}

/** Error body of every attune-jupyter endpoint. */
export interface IErrorReply {
  message: string;
  reason: string;
  line: number | null;
}

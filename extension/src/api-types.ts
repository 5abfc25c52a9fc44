/**
 * JSON shapes exchanged with the attune-jupyter server extension and the widgets.
 *
 * These mirror the Python side: the `to_dict()` methods of `attune_jupyter.core` (Turn, Transcript),
 * the server handlers' replies and the Annotator widget's traits. Python tests (tests/unit and
 * tests/server, through tests/ts_interfaces.py) check that the keys agree: change both together.
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
  /** Possible identifiers the server's screen found, masked; empty when none. */
  identifiers: IIdentifierFinding[];
}

/** One possible identifier in a turn's text: where it is and what kind, never the text itself. */
export interface IIdentifierFinding {
  turn_id: string;
  /** Offsets in the turn's text, counted in Unicode code points as Python counts (not UTF-16 units). */
  start: number;
  end: number;
  category: string;
  /** The matched text with every letter and digit replaced by a bullet. */
  masked: string;
}

/** Error body of every attune-jupyter endpoint. */
export interface IErrorReply {
  message: string;
  reason: string;
  line: number | null;
}

/** A code as the widget needs it (mirrors `_code_records` in attune_jupyter/widgets/annotator.py). */
export interface ICodeRecord {
  id: string;
  label: string;
  key: string;
  colour: string;
  family: string;
  definition: string;
  depth: number;
}

/** An annotation as the widget needs it (mirrors `Annotator._refresh_records` in Python). */
export interface IAnnotationRecord {
  id: string;
  turn_id: string;
  code_id: string;
  annotator: string;
  note: string;
}

/** Save state reported by Python after each change. */
export interface ISaveState {
  state: 'idle' | 'saving' | 'saved' | 'error';
  message: string;
  /** Grows with every report, so a repeated message still reaches the view. */
  seq: number;
}

/** The Annotator's synced traits (mirrors `attune_jupyter.widgets.Annotator`). */
export interface IAnnotatorModel {
  transcript: ITranscript;
  codes: ICodeRecord[];
  annotation_records: IAnnotationRecord[];
  selected_turn: string;
  read_only: boolean;
  save_state: ISaveState;
}

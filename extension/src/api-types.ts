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
  /** Id of the top-level code this code belongs to (its own id for a top-level code). */
  family: string;
  /** Id of the code directly above, or null for a top-level code (a family). */
  parent: string | null;
  definition: string;
  /** 0 for a family, 1 for its sub-codes, and so on. */
  depth: number;
}

/**
 * Where an annotation sits. Three shapes:
 * - a whole turn: `span_start`, `span_end` and `responds_to` are null;
 * - a span of characters in a turn: `span_start`/`span_end` are code-point offsets into the turn's
 *   text (end exclusive, as Python counts, not UTF-16 units);
 * - a pair: `turn_id` is the therapist's response and `responds_to` the client turn it answers
 *   (pairs are whole turns: no span).
 * Several annotations (codes) can share one moment.
 */
export interface IMoment {
  turn_id: string;
  span_start: number | null;
  span_end: number | null;
  responds_to: string | null;
}

/** An annotation as the widget needs it (mirrors `annotation_record` in Python). */
export interface IAnnotationRecord extends IMoment {
  id: string;
  code_id: string;
  annotator: string;
  note: string;
  /** 1 (slight) to 3 (strong), or null when not given. */
  strength: number | null;
  /** True for a code recorded as the agreed one in compare mode (by `annotator`). */
  adjudicated: boolean;
  /** ISO 8601 UTC time of the last change. */
  updated: string;
}

/** Save state reported by Python after each change. */
export interface ISaveState {
  state: 'idle' | 'saving' | 'saved' | 'error';
  message: string;
  /** Grows with every report, so a repeated message still reaches the view. */
  seq: number;
  /** The `request_id` of the message this report answers, or null (a report of its own). */
  request_id: number | null;
}

/** An edit the store refused even after retrying: kept, shown, and sent again on `retry`. */
export interface IFailedEdit {
  request_id: number;
  /** What the edit was, in words ("Add Curiosity on turn 13"); never the note's text. */
  description: string;
  /** The message as the view sent it. */
  message: AnnotatorMessage;
}

/** What undo or redo would do next, in words, or null when there is nothing to undo/redo. */
export interface IUndoState {
  undo: string | null;
  redo: string | null;
}

/** The Annotator's synced traits (mirrors `attune_jupyter.widgets.Annotator`). */
export interface IAnnotatorModel {
  transcript: ITranscript;
  codes: ICodeRecord[];
  /** Every annotation of this transcript, by every annotator (filter by `visible_annotators`). */
  annotation_records: IAnnotationRecord[];
  /** The name this widget writes under. */
  annotator: string;
  /** Annotators whose annotations are shown; empty means everyone's. */
  visible_annotators: string[];
  /** 'annotate' (one annotator's codes) or 'compare' (annotators side by side, adjudication). */
  mode: 'annotate' | 'compare';
  selected_turn: string;
  read_only: boolean;
  save_state: ISaveState;
  failed_edits: IFailedEdit[];
  undo_state: IUndoState;
  /** The strengths a code can have, lowest first ([1, 2, 3]). */
  strengths: number[];
}

/** Front end -> Python. Every message carries a `request_id` the view chose (increasing). */
export type AnnotatorMessage =
  /** Add the code at the moment, or remove this annotator's annotation with that code there. */
  | {
      type: 'toggle-code';
      request_id: number;
      moment: IMoment;
      code_id: string;
      strength?: number | null;
    }
  /** Change one of this annotator's annotations; fields left out stay as they are. */
  | {
      type: 'edit';
      request_id: number;
      id: string;
      note?: string;
      strength?: number | null;
      code_id?: string;
    }
  | { type: 'delete'; request_id: number; id: string }
  | { type: 'undo'; request_id: number }
  | { type: 'redo'; request_id: number }
  /** Compare mode: record (or withdraw) the agreed code at a moment, under `annotator`. */
  | { type: 'adjudicate'; request_id: number; moment: IMoment; code_id: string }
  /** Send the failed edits again, oldest first. */
  | { type: 'retry'; request_id: number }
  /** Drop the failed edits (the user chose to give them up). */
  | { type: 'discard-failed'; request_id: number };

/** Python -> front end, once per message handled. */
export interface IAnnotatorReply {
  type: 'reply';
  request_id: number;
  ok: boolean;
  /** The annotation created or changed, when there is one. */
  annotation_id: string | null;
  message: string;
}

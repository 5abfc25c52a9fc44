/**
 * The RubricForm's synced traits and messages; mirrors `attune_jupyter.widgets.RubricForm`
 * (tests/unit/test_rubric_form_widget.py checks that the keys match).
 */

/** One level of an item's scale, with its anchor ("" when the rubric gives none). */
export interface ILevelRecord {
  level: number;
  anchor: string;
}

/** A heading under which items are shown. */
export interface IGroupRecord {
  id: string;
  label: string;
  description: string;
}

/** One item the rater scores. */
export interface IItemRecord {
  id: string;
  label: string;
  description: string;
  group: string;
  minimum: number;
  maximum: number;
  /** False for a risk item: a higher score means more of the risk. */
  higher_is_better: boolean;
  /** "1-5", or "1-5, higher means more of the risk". */
  scale_text: string;
  levels: ILevelRecord[];
}

/** The rubric as the form draws it. */
export interface IRubricRecord {
  id: string;
  version: number;
  title: string;
  description: string;
  groups: IGroupRecord[];
  items: IItemRecord[];
  /** False when no level has an anchor (published instruments: see their manual). */
  anchored: boolean;
}

/** One item's rating; `score` null means not rated (not the lowest level). */
export interface IItemRatingRecord {
  item_id: string;
  score: number | null;
  comment: string;
}

/** The rating as the form shows it: every rubric item, in rubric order. */
export interface IRatingRecord {
  /** The stored rating's id, or null before the first change. */
  id: string | null;
  items: IItemRatingRecord[];
  overall_comment: string;
  /** When it was last saved (ISO 8601), or null. */
  updated: string | null;
}

/** One summary score of the rubric, in words. */
export interface ISummaryLine {
  id: string;
  label: string;
  value: number | null;
  band: 'below fair' | 'fair' | 'good' | null;
  text: string;
}

/** The rubric's pass rule and what it says of the rating. */
export interface IPassRecord {
  rule: string;
  /** Null while an item is unrated. */
  result: boolean | null;
  text: string;
}

/** What the rubric says of the current rating. */
export interface ISummaryRecord {
  complete: boolean;
  rated: number;
  total: number;
  /** "Complete: ..." or "Incomplete: 3 of 16 items rated; ...". */
  status: string;
  lines: ISummaryLine[];
  pass_rule: IPassRecord | null;
}

/** The last save report; `seq` grows with every report so a repeat still reaches the view. */
export interface IFormSaveState {
  state: 'idle' | 'saving' | 'saved' | 'error';
  message: string;
  seq: number;
  request_id: number | null;
}

/** The RubricForm's synced traits. */
export interface IRubricFormModel {
  rubric_record: IRubricRecord;
  transcript_id: string;
  rater: string;
  read_only: boolean;
  rating_record: IRatingRecord;
  summary_record: ISummaryRecord;
  save_state: IFormSaveState;
  /** How many changes the store has not taken yet (kept for Retry). */
  unsaved: number;
  /** What undo would undo ("Compassion: 4"), or null. */
  undo_label: string | null;
}

/** Front end -> Python. Every message carries a `request_id` the view chose (increasing). */
export type RubricFormMessage =
  | { type: 'set-score'; request_id: number; item_id: string; score: number | null }
  | { type: 'set-comment'; request_id: number; item_id: string; comment: string }
  | { type: 'set-overall-comment'; request_id: number; comment: string }
  | { type: 'undo'; request_id: number }
  | { type: 'retry'; request_id: number };

/** Python -> front end: the answer to one message. */
export interface IRubricFormReply {
  type: 'reply';
  request_id: number;
  ok: boolean;
  message: string;
}

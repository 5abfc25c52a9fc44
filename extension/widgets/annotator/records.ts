/**
 * The annotations the view shows: the records Python sent, with the view's own edits laid over
 * them until Python confirms them (optimistic display), and the compare-mode arithmetic.
 */
import type {
  AnnotatorMessage,
  IAnnotationRecord,
  IFailedEdit,
  IMoment
} from '../../src/api-types';

/** Is `a` the same moment as `b`? */
export function sameMoment(a: IMoment, b: IMoment): boolean {
  return (
    a.turn_id === b.turn_id &&
    a.span_start === b.span_start &&
    a.span_end === b.span_end &&
    a.responds_to === b.responds_to
  );
}

/** Just the moment of a record. */
export function momentOf(record: IMoment): IMoment {
  return {
    turn_id: record.turn_id,
    span_start: record.span_start,
    span_end: record.span_end,
    responds_to: record.responds_to
  };
}

/** How a chip stands with the store. */
export type ChipState = 'saved' | 'saving' | 'unsaved';

/** One annotation as drawn: a record, or an edit of the view's that Python has not confirmed. */
export interface IChip {
  /** The record's id, or `pending:<request_id>` for a code not yet in the store. */
  key: string;
  record: IAnnotationRecord;
  state: ChipState;
  /** True when the pending edit removes this annotation. */
  removing: boolean;
}

/** The fields an `edit` message may change. */
export type EditFields = { note?: string; strength?: number | null; code_id?: string };

/** An edit the view sent and Python has not answered yet. */
export interface IPending {
  message: AnnotatorMessage;
  /** For toggle-code/adjudicate: the record it removes (null: it adds one). */
  removes: string | null;
  /** When it was sent (performance.now()). */
  sent: number;
  /** Changes asked for meanwhile (a strength or note on a code not yet saved): sent after. */
  then: EditFields | null;
}

/** The turns an edit touches (to redraw just those). */
export function turnsOf(
  message: AnnotatorMessage,
  recordsById: ReadonlyMap<string, IAnnotationRecord>
): string[] {
  switch (message.type) {
    case 'toggle-code':
    case 'adjudicate':
      return [
        message.moment.turn_id,
        ...(message.moment.responds_to ? [message.moment.responds_to] : [])
      ];
    case 'edit':
    case 'delete': {
      const record = recordsById.get(message.id);
      if (!record) {
        return [];
      }
      return [record.turn_id, ...(record.responds_to ? [record.responds_to] : [])];
    }
    default:
      return [];
  }
}

/** The record a toggle would remove: this annotator's with that code at that moment, if any. */
export function toggleTarget(
  records: readonly IAnnotationRecord[],
  annotator: string,
  moment: IMoment,
  codeId: string,
  adjudicated: boolean
): IAnnotationRecord | undefined {
  return records.find(
    r =>
      r.annotator === annotator &&
      r.code_id === codeId &&
      r.adjudicated === adjudicated &&
      sameMoment(r, moment)
  );
}

/**
 * The chips of one turn: its records, then the overlays of the pending and failed edits.
 *
 * `pending` are the view's unanswered edits; `failed` the edits Python kept after the store
 * refused them (they stay until retried or discarded).
 */
export function chipsOf(
  records: readonly IAnnotationRecord[],
  pending: ReadonlyMap<number, IPending>,
  failed: readonly IFailedEdit[],
  annotator: string,
  turnId: string
): IChip[] {
  const chips: IChip[] = records.map(record => ({
    key: record.id,
    record,
    state: 'saved',
    removing: false
  }));
  const byId = new Map(chips.map(chip => [chip.key, chip]));
  const overlay = (
    requestId: number,
    message: AnnotatorMessage,
    removes: string | null | undefined,
    state: ChipState,
    then: EditFields | null
  ): void => {
    if (message.type === 'toggle-code' || message.type === 'adjudicate') {
      if (message.moment.turn_id !== turnId) {
        return;
      }
      const adjudicated = message.type === 'adjudicate';
      const existing = toggleTarget(
        records,
        annotator,
        message.moment,
        message.code_id,
        adjudicated
      );
      // A kept (failed) edit does not say what it meant: it removes the record that is there.
      const removed = removes === undefined ? existing?.id : removes;
      if (removed) {
        const chip = byId.get(removed);
        if (chip) {
          chip.state = state;
          chip.removing = true;
        }
        return;
      }
      if (existing) {
        // An addition Python has made already: its reply is on its way.
        const chip = byId.get(existing.id);
        if (chip) {
          chip.state = state;
          chip.record = { ...chip.record, ...then };
        }
        return;
      }
      chips.push({
        key: `pending:${requestId}`,
        record: {
          ...message.moment,
          id: '',
          code_id: message.code_id,
          annotator,
          note: '',
          strength: message.type === 'toggle-code' ? (message.strength ?? null) : null,
          adjudicated,
          updated: '',
          ...then
        },
        state,
        removing: false
      });
    } else if (message.type === 'edit' || message.type === 'delete') {
      const chip = byId.get(message.id);
      if (!chip) {
        return;
      }
      chip.state = state;
      if (message.type === 'delete') {
        chip.removing = true;
      } else {
        chip.record = {
          ...chip.record,
          ...(message.note !== undefined ? { note: message.note } : {}),
          ...(message.strength !== undefined ? { strength: message.strength } : {}),
          ...(message.code_id !== undefined ? { code_id: message.code_id } : {})
        };
      }
    }
  };
  for (const edit of failed) {
    if (!pending.has(edit.request_id)) {
      overlay(edit.request_id, edit.message, undefined, 'unsaved', null);
    }
  }
  for (const [requestId, entry] of pending) {
    overlay(requestId, entry.message, entry.removes, 'saving', entry.then);
  }
  return chips;
}

/** The annotators compared side by side: the chosen ones, or everyone with a non-agreed code. */
export function comparedAnnotators(
  records: readonly IAnnotationRecord[],
  visible: readonly string[]
): string[] {
  if (visible.length > 0) {
    return [...new Set(visible)];
  }
  return [...new Set(records.filter(r => !r.adjudicated).map(r => r.annotator))].sort();
}

/**
 * Do the compared annotators give this turn different codes? (Per turn and code, whatever the
 * shape of the moment, as `attune_jupyter.core.compare` counts it.)
 */
export function isDisagreement(
  records: readonly IAnnotationRecord[],
  annotators: readonly string[]
): boolean {
  if (annotators.length < 2) {
    return false;
  }
  const sets = annotators.map(name => {
    const codes = records.filter(r => !r.adjudicated && r.annotator === name).map(r => r.code_id);
    return [...new Set(codes)].sort().join('\n');
  });
  return sets.some(set => set !== sets[0]);
}

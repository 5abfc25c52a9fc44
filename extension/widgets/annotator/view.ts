/**
 * The Annotator view: a transcript as a list of turns to code, keyboard first.
 *
 * Framework-free: it takes a host element and an `IAnnotatorBackend` (state, `send`, change
 * news), so the notebook widget (index.ts) and, later, the labextension can host it. Python owns
 * the data and the undo history; the view draws them, lays its own unconfirmed edits over them
 * (marked as saving, or as not saved when the store refused them) and sends one message per
 * action. Every text from the transcript, the codebook or a note goes in as text, never as HTML.
 */
import type {
  AnnotatorMessage,
  IAnnotationRecord,
  IAnnotatorReply,
  ICodeRecord,
  IMoment,
  ITurn
} from '../../src/api-types';

import type { IAnnotatorBackend } from './backend';
import { CodebookPanel } from './codebook-panel';
import { button, el, isTextField, srOnly, strengthDots } from './dom';
import { Inspector } from './inspector';
import { MenuButton } from './menu-button';
import { MomentList, type IMomentEntry } from './moment-list';
import {
  chipsOf,
  comparedAnnotators,
  isDisagreement,
  momentOf,
  sameMoment,
  toggleTarget,
  turnsOf,
  type EditFields,
  type IChip,
  type IPending
} from './records';
import { ShortcutSheet } from './shortcuts';
import { TurnText, escapeRegExp, offsetIn, renderHighlighted, type IHighlight } from './text';

/** Performance entries the benchmark reads. */
export const MEASURES = {
  render: 'attune-annotator-render',
  firstFrame: 'attune-annotator-first-frame',
  keyToChip: 'attune-annotator-key-to-chip'
} as const;

const ROLE_LABEL: Record<string, string> = {
  therapist: 'Therapist',
  client: 'Client',
  other: 'Other speaker'
};

/** Seconds after which an unanswered edit is reported as waiting. */
const WAIT_WARNING_MS = 8000;

/** Everything the view keeps about one turn. */
interface ISlot {
  turn: ITurn;
  index: number;
  node: HTMLElement;
  header: HTMLElement;
  text: HTMLElement;
  codes: HTMLElement | null;
  extras: HTMLElement | null;
  words: TurnText | null;
  highlighted: boolean;
  disagreement: boolean;
  /** Code ids shown on the turn (for the code filter). */
  codeIds: Set<string>;
  /** The block of turns this one is drawn in. */
  chunk: HTMLElement;
}

/**
 * Turns per block. Blocks off screen are skipped by layout and paint (`content-visibility`), so a
 * change to one turn lays out a few dozen blocks, not thousands of turns.
 */
const CHUNK_TURNS = 50;

/** The moment being coded: a turn, a span of it (UTF-16 offsets) or a pair. */
interface ICurrent {
  turnId: string;
  span: [number, number] | null;
  pairWith: string | null;
}

interface ISearchMatch {
  turnId: string;
  start: number;
  end: number;
}

export class AnnotatorView {
  constructor(
    private readonly host: HTMLElement,
    private readonly backend: IAnnotatorBackend
  ) {
    host.classList.add('jp-attune-Annotator');
    // JupyterLab's notebook shortcuts (a, b, d d, ...) must not fire while coding a transcript.
    host.setAttribute('data-lm-suppress-shortcuts', 'true');

    // Header: actions, filters, search, save state, failed edits, the moment and the code in focus.
    this.undoButton = button('jp-attune-Button', 'Undo');
    this.redoButton = button('jp-attune-Button', 'Redo');
    const help = button('jp-attune-Button', '?', 'Keyboard shortcuts (?)');
    help.setAttribute('aria-label', 'Keyboard shortcuts');
    this.undoButton.addEventListener('click', () => this.undoRedo('undo'));
    this.redoButton.addEventListener('click', () => this.undoRedo('redo'));
    help.addEventListener('click', () => this.openSheet());
    this.actions = el('div', 'jp-attune-Annotator-actions');
    this.actions.setAttribute('role', 'group');
    this.actions.setAttribute('aria-label', 'Edit');
    this.actions.append(this.undoButton, this.redoButton, help);

    this.roleFilter = new MenuButton('Speaker', () => this.applyFilters());
    this.roleFilter.setChoices(
      [
        { value: '', label: 'all' },
        { value: 'therapist', label: 'therapist turns' },
        { value: 'client', label: 'client turns' }
      ],
      ''
    );
    this.codeFilter = new MenuButton('Code', () => this.applyFilters());
    this.disagreementFilter = el('input', 'jp-attune-Checkbox');
    this.disagreementFilter.type = 'checkbox';
    this.disagreementLabel = el('label', 'jp-attune-Annotator-check');
    this.disagreementLabel.append(this.disagreementFilter, ' Disagreements only');
    this.filterCount = el('span', 'jp-attune-Annotator-count');
    this.disagreementFilter.addEventListener('change', () => this.applyFilters());

    this.searchBox = el('input', 'jp-attune-Search');
    this.searchBox.type = 'search';
    this.searchBox.placeholder = 'Search (/)';
    this.searchBox.setAttribute('aria-label', 'Search the transcript');
    this.searchBox.addEventListener('input', this.onSearchInput);
    this.searchBox.addEventListener('keydown', this.onSearchKeydown);
    const previous = button('jp-attune-Button', '↑', 'Previous match (Shift+Enter)');
    previous.setAttribute('aria-label', 'Previous match');
    const next = button('jp-attune-Button', '↓', 'Next match (Enter)');
    next.setAttribute('aria-label', 'Next match');
    previous.addEventListener('click', () => this.gotoMatch(-1));
    next.addEventListener('click', () => this.gotoMatch(1));
    this.searchCount = el('span', 'jp-attune-Annotator-count');
    const search = el('div', 'jp-attune-Annotator-search');
    search.setAttribute('role', 'search');
    search.append(this.searchBox, previous, next, this.searchCount);

    const filters = el('div', 'jp-attune-Annotator-filters');
    filters.append(
      this.roleFilter.node,
      this.codeFilter.node,
      this.disagreementLabel,
      this.filterCount,
      search
    );
    const bar = el('div', 'jp-attune-Annotator-bar');
    bar.append(this.actions, filters);

    this.status = el('div', 'jp-attune-Annotator-status');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');

    this.banner = el('div', 'jp-attune-Annotator-failed');
    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;

    this.compareInfo = el('p', 'jp-attune-Annotator-compareInfo');
    this.compareInfo.hidden = true;

    this.momentLine = el('div', 'jp-attune-Annotator-moment');
    this.momentLine.setAttribute('aria-live', 'polite');

    this.inspector = new Inspector({
      strength: value => this.editFocused({ strength: value }),
      note: text => this.editFocused({ note: text }),
      code: codeId => this.editFocused({ code_id: codeId }),
      remove: () => {
        this.deleteFocused();
        this.list.focus({ preventScroll: true });
      },
      closed: () => {
        this.renderInspector();
        this.list.focus({ preventScroll: true });
      }
    });

    const header = el('div', 'jp-attune-Annotator-header');
    header.append(bar, this.status, this.banner, this.compareInfo, this.momentLine);

    // Body: codebook | turns | code in focus and moments.
    this.codebook = new CodebookPanel(codeId => this.applyCode(codeId));
    this.list = el('div', 'jp-attune-Annotator-turns');
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', 'Transcript turns');
    this.list.tabIndex = 0;
    this.moments = new MomentList(id => this.jumpToAnnotation(id));
    // The code in focus sits beside the turns, so the turns never shift when it appears.
    const side = el('div', 'jp-attune-Annotator-side');
    side.append(this.inspector.node, this.moments.node);
    const body = el('div', 'jp-attune-Annotator-body');
    body.append(this.codebook.node, this.list, side);

    this.sheet = new ShortcutSheet(() => this.list.focus({ preventScroll: true }));
    host.append(header, body, this.sheet.node);

    host.addEventListener('keydown', this.onKeydown);
    this.list.addEventListener('click', this.onListClick);
    this.list.addEventListener('mouseup', this.onMouseUp);
    this.banner.addEventListener('click', this.onBannerClick);

    const watch = (key: Parameters<IAnnotatorBackend['onChange']>[0], fn: () => void): void => {
      this.unsubscribe.push(backend.onChange(key, fn));
    };
    watch('transcript', () => this.renderAll());
    watch('codes', () => this.renderAll());
    watch('mode', () => this.renderAll());
    watch('read_only', () => this.renderAll());
    watch('visible_annotators', () => this.renderAll());
    watch('annotator', () => this.renderAll());
    watch('annotation_records', () => this.onRecordsChanged());
    watch('failed_edits', () => this.onFailedChanged());
    watch('save_state', () => this.renderStatus());
    watch('undo_state', () => this.renderUndo());
    watch('strengths', () => this.renderInspector());
    watch('selected_turn', () => {
      const turnId = backend.get('selected_turn');
      if (turnId !== this.current?.turnId && this.slots.has(turnId)) {
        this.select(turnId);
      }
    });
    this.unsubscribe.push(backend.onReply(this.onReply));
  }

  // -- whole renders ------------------------------------------------------------------------

  /** Draw everything from the backend's state. */
  renderAll(): void {
    const started = performance.now();
    const codes = this.backend.get('codes');
    this.codesById = new Map(codes.map(c => [c.id, c]));
    this.codesByKey = new Map(codes.map(c => [c.key, c]));
    this.readOnly = this.backend.get('read_only');
    this.compare = this.backend.get('mode') === 'compare';
    this.me = this.backend.get('annotator');
    this.host.dataset.mode = this.compare ? 'compare' : 'annotate';
    this.host.classList.toggle('jp-mod-readOnly', this.readOnly);
    this.actions.hidden = false;
    this.undoButton.hidden = this.readOnly;
    this.redoButton.hidden = this.readOnly;
    this.disagreementLabel.hidden = !this.compare;
    this.codebook.render(codes, this.readOnly);
    this.renderCodeFilter(codes);
    this.groupRecords();
    this.renderTurns();
    for (const turnId of this.decoratedTurns()) {
      this.decorate(turnId);
    }
    this.applyFilters(false);
    const selected = this.backend.get('selected_turn');
    this.current = null;
    if (this.slots.has(selected)) {
      this.select(selected, { scroll: false, sync: false });
    }
    this.renderMomentLine();
    this.renderInspector();
    this.renderMoments();
    this.renderCompareInfo();
    this.renderBanner();
    this.renderUndo();
    this.renderStatus();
    const detail = { turns: this.order.length, connected: this.host.isConnected };
    performance.measure(MEASURES.render, { start: started, detail });
    // The first frame once the widget is on the page: style, layout and paint of what is on
    // screen are done (the host may be attached to the page only after render returns).
    let frames = 0;
    const tick = (): void => {
      if (!this.host.isConnected && frames++ < 600) {
        requestAnimationFrame(tick);
        return;
      }
      setTimeout(() => {
        performance.measure(MEASURES.firstFrame, { start: started, detail: { ...detail, frames } });
      }, 0);
    };
    requestAnimationFrame(tick);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    for (const stop of this.unsubscribe) {
      stop();
    }
    this.unsubscribe = [];
    this.host.removeEventListener('keydown', this.onKeydown);
    this.list.removeEventListener('click', this.onListClick);
    this.list.removeEventListener('mouseup', this.onMouseUp);
    this.banner.removeEventListener('click', this.onBannerClick);
    this.searchBox.removeEventListener('input', this.onSearchInput);
    this.searchBox.removeEventListener('keydown', this.onSearchKeydown);
    this.codebook.dispose();
    this.roleFilter.dispose();
    this.codeFilter.dispose();
    this.inspector.dispose();
    this.moments.dispose();
    this.sheet.dispose();
    window.clearTimeout(this.syncTimer);
    window.clearTimeout(this.searchTimer);
    window.clearTimeout(this.waitTimer);
    cancelAnimationFrame(this.momentsFrame);
  }

  private renderTurns(): void {
    const turns = this.backend.get('transcript').turns;
    this.slots = new Map();
    this.order = [];
    const prototype = el('div', 'jp-attune-Turn');
    prototype.setAttribute('role', 'option');
    prototype.setAttribute('aria-selected', 'false');
    const header = el('div', 'jp-attune-Turn-header');
    header.append(el('span', 'jp-attune-Turn-number'), el('span', 'jp-attune-Turn-speaker'));
    prototype.append(header, el('div', 'jp-attune-Turn-text'));
    const fragment = document.createDocumentFragment();
    let chunk = el('div', 'jp-attune-TurnChunk');
    turns.forEach((turn, index) => {
      if (index % CHUNK_TURNS === 0) {
        chunk = el('div', 'jp-attune-TurnChunk');
        chunk.setAttribute('role', 'none');
        chunk.style.setProperty(
          '--jp-attune-chunk-turns',
          String(Math.min(CHUNK_TURNS, turns.length - index))
        );
        fragment.append(chunk);
      }
      const node = prototype.cloneNode(true) as HTMLElement;
      node.id = `${this.idPrefix}-${index}`;
      node.dataset.turnId = turn.id;
      node.dataset.role = turn.role;
      const head = node.firstChild as HTMLElement;
      (head.firstChild as HTMLElement).textContent = String(index + 1);
      const speaker = head.lastChild as HTMLElement;
      speaker.textContent = turn.speaker;
      speaker.title = ROLE_LABEL[turn.role] ?? turn.role;
      const text = node.lastChild as HTMLElement;
      text.textContent = turn.text;
      this.slots.set(turn.id, {
        turn,
        index,
        node,
        header: head,
        text,
        codes: null,
        extras: null,
        words: null,
        highlighted: false,
        disagreement: false,
        codeIds: new Set(),
        chunk
      });
      this.order.push(turn.id);
      chunk.append(node);
    });
    this.list.replaceChildren(fragment);
    this.list.removeAttribute('aria-activedescendant');
    this.searchMatches = [];
    this.matchesByTurn = new Map();
    this.matchIndex = -1;
    if (this.searchBox.value.trim()) {
      this.runSearch();
    }
  }

  private renderCodeFilter(codes: readonly ICodeRecord[]): void {
    this.codeFilter.setChoices(
      [
        { value: '', label: 'all' },
        ...codes.map(code => ({
          value: code.id,
          label: code.depth === 0 ? `${code.label} (all)` : code.label,
          depth: code.depth,
          colour: code.colour
        }))
      ],
      this.codeFilter.value
    );
  }

  // -- records ------------------------------------------------------------------------------

  /** Group the records by turn (all of them, and those shown), and the pairs by client turn. */
  private groupRecords(): void {
    const records = this.backend.get('annotation_records');
    this.recordsById = new Map(records.map(r => [r.id, r]));
    this.allByTurn = new Map();
    this.shownByTurn = new Map();
    this.answeredBy = new Map();
    const visible = this.backend.get('visible_annotators');
    this.columns = this.compare ? comparedAnnotators(records, visible) : [];
    const shown = (r: IAnnotationRecord): boolean => {
      if (this.compare) {
        return r.adjudicated || this.columns.includes(r.annotator);
      }
      return visible.length === 0 || visible.includes(r.annotator) || r.annotator === this.me;
    };
    for (const record of records) {
      push(this.allByTurn, record.turn_id, record);
      if (shown(record)) {
        push(this.shownByTurn, record.turn_id, record);
        if (record.responds_to !== null) {
          push(this.answeredBy, record.responds_to, record);
        }
      }
    }
    this.signatures = new Map();
    for (const turnId of new Set([...this.shownByTurn.keys(), ...this.answeredBy.keys()])) {
      this.signatures.set(turnId, this.signature(turnId));
    }
  }

  private signature(turnId: string): string {
    return JSON.stringify([this.shownByTurn.get(turnId), this.answeredBy.get(turnId)]);
  }

  /** Turns that carry anything to draw besides their text. */
  private decoratedTurns(): Set<string> {
    const turns = new Set([...this.shownByTurn.keys(), ...this.answeredBy.keys()]);
    for (const edit of this.backend.get('failed_edits')) {
      for (const turnId of turnsOf(edit.message, this.recordsById)) {
        turns.add(turnId);
      }
    }
    return turns;
  }

  private onRecordsChanged(): void {
    const before = this.signatures;
    const columns = this.columns.join('\n');
    this.groupRecords();
    const changed = new Set<string>();
    if (columns !== this.columns.join('\n')) {
      for (const turnId of [...before.keys(), ...this.signatures.keys()]) {
        changed.add(turnId);
      }
    } else {
      for (const [turnId, signature] of this.signatures) {
        if (before.get(turnId) !== signature) {
          changed.add(turnId);
        }
      }
      for (const turnId of before.keys()) {
        if (!this.signatures.has(turnId)) {
          changed.add(turnId);
        }
      }
    }
    for (const entry of this.pending.values()) {
      for (const turnId of turnsOf(entry.message, this.recordsById)) {
        changed.add(turnId);
      }
    }
    for (const turnId of changed) {
      this.decorate(turnId);
      this.filterSlot(turnId);
    }
    this.renderFilterCount();
    this.renderInspector();
    this.renderCompareInfo();
    this.scheduleMoments();
  }

  private onFailedChanged(): void {
    const turns = new Set(this.failedTurns);
    this.failedTurns = new Set();
    for (const edit of this.backend.get('failed_edits')) {
      for (const turnId of turnsOf(edit.message, this.recordsById)) {
        this.failedTurns.add(turnId);
        turns.add(turnId);
      }
    }
    for (const turnId of turns) {
      this.decorate(turnId);
    }
    this.renderBanner();
    this.renderInspector();
  }

  private chipsFor(turnId: string): IChip[] {
    return chipsOf(
      this.shownByTurn.get(turnId) ?? [],
      this.pending,
      this.backend.get('failed_edits'),
      this.me,
      turnId
    );
  }

  // -- one turn -----------------------------------------------------------------------------

  /** Redraw what sits on one turn: codes, spans, pair links, search matches, selection. */
  private decorate(turnId: string): void {
    const slot = this.slots.get(turnId);
    if (!slot) {
      return;
    }
    const chips = this.chipsFor(turnId);
    const focused = this.current?.turnId === turnId ? this.focusedChip(chips) : null;
    const live = chips.filter(chip => !chip.removing);
    slot.codeIds = new Set(live.map(chip => chip.record.code_id));
    for (const pair of this.answeredBy.get(turnId) ?? []) {
      slot.codeIds.add(pair.code_id);
    }
    slot.node.classList.toggle('jp-mod-annotated', live.length > 0);
    slot.disagreement =
      this.compare && isDisagreement(this.shownByTurn.get(turnId) ?? [], this.columns);
    slot.node.classList.toggle('jp-mod-disagreement', slot.disagreement);

    // Header extras: pair links and the disagreement badge.
    const extras: HTMLElement[] = [];
    const pairs = new Map<string, string>();
    for (const chip of live) {
      if (chip.record.responds_to !== null) {
        pairs.set(chip.record.responds_to, 'Answers');
      }
    }
    const current = this.current;
    if (current?.turnId === turnId && current.pairWith !== null) {
      pairs.set(current.pairWith, 'Pairing with');
    }
    for (const [other, verb] of pairs) {
      extras.push(this.pairLink(verb, other, verb === 'Pairing with'));
    }
    const answered = new Set((this.answeredBy.get(turnId) ?? []).map(r => r.turn_id));
    if (current?.pairWith === turnId) {
      answered.add(current.turnId);
    }
    for (const other of answered) {
      extras.push(this.pairLink('Answered in', other, current?.pairWith === turnId));
    }
    if (slot.disagreement) {
      extras.push(el('span', 'jp-attune-Turn-badge', 'Disagreement'));
    }
    if (extras.length > 0) {
      if (!slot.extras) {
        slot.extras = el('span', 'jp-attune-Turn-extras');
        slot.header.append(slot.extras);
      }
      slot.extras.replaceChildren(...extras);
    } else if (slot.extras) {
      slot.extras.remove();
      slot.extras = null;
    }
    const linked =
      (current !== null &&
        (current.turnId === turnId || current.pairWith === turnId) &&
        current.pairWith !== null) ||
      (focused?.record.responds_to != null &&
        (focused.record.turn_id === turnId || focused.record.responds_to === turnId));
    slot.node.classList.toggle('jp-mod-pairLinked', linked);

    // Codes: one row, or (compare mode) one column per annotator and the agreed column.
    if (chips.length === 0) {
      slot.codes?.remove();
      slot.codes = null;
    } else {
      if (!slot.codes) {
        slot.codes = el('div', 'jp-attune-Turn-codes');
        slot.node.append(slot.codes);
      }
      if (this.compare) {
        slot.codes.classList.add('jp-attune-Compare');
        slot.codes.style.setProperty('--jp-attune-columns', String(this.columns.length + 1));
        const cells = [...this.columns, ''].map(name => {
          const cell = el('div', 'jp-attune-Compare-cell');
          cell.dataset.annotator = name;
          cell.classList.toggle('jp-mod-agreed', name === '');
          cell.append(el('span', 'jp-attune-Compare-name', name || 'Agreed'));
          const mine = chips.filter(chip =>
            name === ''
              ? chip.record.adjudicated
              : !chip.record.adjudicated && chip.record.annotator === name
          );
          cell.append(...mine.map(chip => this.chip(chip, chip === focused)));
          return cell;
        });
        slot.codes.replaceChildren(...cells);
      } else {
        slot.codes.classList.remove('jp-attune-Compare');
        slot.codes.replaceChildren(...chips.map(chip => this.chip(chip, chip === focused)));
      }
    }
    this.renderText(slot, live, focused);
  }

  private pairLink(verb: string, otherTurn: string, armed: boolean): HTMLElement {
    const other = this.slots.get(otherTurn);
    const number = other ? other.index + 1 : otherTurn;
    const arrow = verb === 'Answered in' ? '↪' : '↩';
    const link = el('span', 'jp-attune-Turn-pair', `${arrow} ${verb} turn ${number}`);
    link.dataset.jumpTurn = otherTurn;
    link.classList.toggle('jp-mod-armed', armed);
    link.title = `Go to turn ${number}`;
    return link;
  }

  private chip(chip: IChip, focused: boolean): HTMLElement {
    const { record } = chip;
    const code = this.codesById.get(record.code_id);
    const node = el('span', 'jp-attune-CodeChip');
    node.dataset.codeId = record.code_id;
    node.dataset.chipKey = chip.key;
    node.dataset.state = chip.state;
    if (record.id) {
      node.dataset.annotationId = record.id;
    }
    node.dataset.annotator = record.annotator;
    node.style.setProperty('--jp-attune-code-colour', code?.colour ?? 'transparent');
    node.title = record.note ? `${record.annotator}: ${record.note}` : record.annotator;
    node.classList.toggle('jp-mod-pending', chip.state === 'saving');
    node.classList.toggle('jp-mod-unsaved', chip.state === 'unsaved');
    node.classList.toggle('jp-mod-removing', chip.removing);
    node.classList.toggle('jp-mod-focused', focused);
    node.classList.toggle('jp-mod-mine', record.annotator === this.me);
    node.classList.toggle('jp-mod-agreed', record.adjudicated);
    node.append(el('span', 'jp-attune-CodeChip-label', code?.label ?? record.code_id));
    if (record.responds_to !== null) {
      const other = this.slots.get(record.responds_to);
      node.append(el('span', 'jp-attune-CodeChip-shape', `↩ ${other ? other.index + 1 : '?'}`));
    } else if (record.span_start !== null) {
      node.append(el('span', 'jp-attune-CodeChip-shape', 'span'));
    }
    if (record.strength !== null) {
      const dots = el(
        'span',
        'jp-attune-CodeChip-strength',
        strengthDots(record.strength, this.maxStrength())
      );
      dots.setAttribute('aria-hidden', 'true');
      node.append(dots, srOnly(` strength ${record.strength}`));
    }
    if (record.note) {
      const mark = el('span', 'jp-attune-CodeChip-note', '✎');
      mark.setAttribute('aria-hidden', 'true');
      node.append(mark, srOnly(' with a note'));
    }
    if (!this.compare && record.annotator !== this.me) {
      node.append(el('span', 'jp-attune-CodeChip-by', record.annotator));
    }
    if (chip.state !== 'saved' || chip.removing) {
      const words =
        chip.state === 'unsaved'
          ? chip.removing
            ? 'removal not saved'
            : 'not saved'
          : chip.removing
            ? 'removing…'
            : 'saving…';
      node.append(el('span', 'jp-attune-CodeChip-state', words));
    }
    return node;
  }

  private renderText(slot: ISlot, chips: readonly IChip[], focused: IChip | null): void {
    const highlights: IHighlight[] = [];
    const words = (): TurnText => this.turnText(slot);
    for (const chip of chips) {
      const { record } = chip;
      if (record.span_start === null || record.span_end === null) {
        continue;
      }
      const code = this.codesById.get(record.code_id);
      const classes = ['jp-attune-Span'];
      if (chip === focused) {
        classes.push('jp-mod-focused');
      }
      if (chip.state !== 'saved') {
        classes.push(`jp-mod-${chip.state}`);
      }
      highlights.push({
        start: words().toUtf16(record.span_start),
        end: words().toUtf16(record.span_end),
        className: classes.join(' '),
        colour: code?.colour ?? null,
        title: `${code?.label ?? record.code_id} (${record.annotator})`
      });
    }
    const current = this.current;
    if (current?.turnId === slot.turn.id && current.span !== null) {
      highlights.push({
        start: current.span[0],
        end: current.span[1],
        className: 'jp-attune-Selection',
        colour: null,
        title: 'Selected span'
      });
    }
    for (const match of this.matchesByTurn.get(slot.turn.id) ?? []) {
      const isCurrent = this.searchMatches[this.matchIndex] === match;
      highlights.push({
        start: match.start,
        end: match.end,
        className: isCurrent ? 'jp-attune-SearchMatch jp-mod-current' : 'jp-attune-SearchMatch',
        colour: null,
        title: null
      });
    }
    if (highlights.length === 0 && !slot.highlighted) {
      return;
    }
    renderHighlighted(slot.text, slot.turn.text, highlights);
    slot.highlighted = highlights.length > 0;
  }

  private turnText(slot: ISlot): TurnText {
    if (slot.words === null) {
      slot.words = new TurnText(slot.turn.text);
    }
    return slot.words;
  }

  // -- selection ----------------------------------------------------------------------------

  /** Make `turnId` (with a span or a pair, or the whole turn) the current moment. */
  private select(
    turnId: string,
    options: {
      span?: [number, number] | null;
      pairWith?: string | null;
      focus?: string | null;
      scroll?: boolean;
      sync?: boolean;
    } = {}
  ): void {
    const slot = this.slots.get(turnId);
    if (!slot) {
      return;
    }
    const before = this.current;
    this.current = { turnId, span: options.span ?? null, pairWith: options.pairWith ?? null };
    const focus = options.focus ?? null;
    if (focus !== this.focusKey && this.inspector.editing) {
      this.inspector.cancelNoteEditor();
    }
    this.focusKey = focus;
    if (before?.turnId !== turnId) {
      const old = before ? this.slots.get(before.turnId) : undefined;
      if (old) {
        old.node.classList.remove('jp-mod-selected');
        old.node.setAttribute('aria-selected', 'false');
      }
      slot.node.classList.add('jp-mod-selected');
      slot.node.setAttribute('aria-selected', 'true');
      this.list.setAttribute('aria-activedescendant', slot.node.id);
      if (options.sync !== false) {
        this.syncSelected(turnId);
      }
    }
    const touched = new Set([turnId]);
    for (const moment of [before, this.current]) {
      if (moment) {
        touched.add(moment.turnId);
        if (moment.pairWith) {
          touched.add(moment.pairWith);
        }
      }
    }
    const focused = this.focusedChip();
    if (focused?.record.responds_to) {
      touched.add(focused.record.responds_to);
    }
    for (const id of this.linkedTurns) {
      touched.add(id);
    }
    this.linkedTurns = focused?.record.responds_to ? [focused.record.responds_to] : [];
    for (const id of touched) {
      this.decorate(id);
    }
    if (options.scroll !== false) {
      this.scrollToTurn(slot.node);
    }
    this.renderMomentLine();
    this.renderInspector();
  }

  /** Tell the backend which turn is selected, once the keys stop (holding j must not flood it). */
  private syncSelected(turnId: string): void {
    window.clearTimeout(this.syncTimer);
    this.syncTimer = window.setTimeout(() => {
      if (this.backend.get('selected_turn') !== turnId) {
        this.backend.setSelectedTurn(turnId);
      }
    }, 150);
  }

  /** Scroll the turn list (not the page) so the turn is in view. */
  private scrollToTurn(node: HTMLElement): void {
    const box = this.list.getBoundingClientRect();
    const rect = node.getBoundingClientRect();
    if (box.height === 0) {
      return;
    }
    if (rect.top < box.top || rect.height > box.height) {
      this.list.scrollTop += rect.top - box.top - 4;
    } else if (rect.bottom > box.bottom) {
      this.list.scrollTop += rect.bottom - box.bottom + 4;
    }
  }

  private move(step: number): void {
    const visible = this.order.filter(id => !this.slots.get(id)?.node.hidden);
    if (visible.length === 0) {
      return;
    }
    const at = this.current ? this.slots.get(this.current.turnId)!.index : -1;
    let target: string | undefined;
    if (step === Infinity) {
      target = visible[visible.length - 1];
    } else if (step === -Infinity) {
      target = visible[0];
    } else if (at < 0) {
      target = step > 0 ? visible[0] : visible[visible.length - 1];
    } else if (step > 0) {
      target = visible.find(id => this.slots.get(id)!.index > at) ?? visible[visible.length - 1];
    } else {
      target = [...visible].reverse().find(id => this.slots.get(id)!.index < at) ?? visible[0];
    }
    this.select(target);
  }

  /** The current moment as Python counts it (code points), or null when nothing is selected. */
  private currentMoment(): IMoment | null {
    const current = this.current;
    if (!current) {
      return null;
    }
    if (current.span) {
      const words = this.turnText(this.slots.get(current.turnId)!);
      return {
        turn_id: current.turnId,
        span_start: words.toCodePoint(current.span[0]),
        span_end: words.toCodePoint(current.span[1]),
        responds_to: null
      };
    }
    return {
      turn_id: current.turnId,
      span_start: null,
      span_end: null,
      responds_to: current.pairWith
    };
  }

  /** The code in focus on the current turn: the one picked, else the user's latest on the moment. */
  private focusedChip(chips?: IChip[]): IChip | null {
    const current = this.current;
    if (!current) {
      return null;
    }
    const all = (chips ?? this.chipsFor(current.turnId)).filter(chip => !chip.removing);
    if (this.focusKey !== null) {
      const picked = all.find(chip => chip.key === this.focusKey);
      if (picked) {
        return picked;
      }
    }
    const moment = this.currentMoment();
    const mine = all.filter(
      chip =>
        chip.record.annotator === this.me &&
        moment !== null &&
        sameMoment(chip.record, moment) &&
        chip.record.adjudicated === this.compare
    );
    return mine.length > 0 ? mine[mine.length - 1] : null;
  }

  // -- edits --------------------------------------------------------------------------------

  /** Send a message to Python, remembering it until the reply. */
  private send(
    message: DistributiveOmit<AnnotatorMessage, 'request_id'>,
    removes: string | null = null
  ): number {
    const requestId = this.nextRequest++;
    const full = { ...message, request_id: requestId } as AnnotatorMessage;
    this.pending.set(requestId, { message: full, removes, sent: performance.now(), then: null });
    this.backend.send(full);
    this.renderStatus();
    window.clearTimeout(this.waitTimer);
    this.waitTimer = window.setTimeout(() => this.renderStatus(), WAIT_WARNING_MS);
    return requestId;
  }

  /** A code's key or click: toggle it on the current moment (compare mode: record it as agreed). */
  private applyCode(codeId: string, started = performance.now()): void {
    if (this.readOnly) {
      this.hint('This transcript is read-only: codes cannot be changed here.');
      return;
    }
    const moment = this.currentMoment();
    if (moment === null) {
      this.hint('Select a turn first: click it, or press j or ↓.');
      return;
    }
    this.toggleAt(moment, codeId, started);
  }

  private toggleAt(moment: IMoment, codeId: string, started: number): void {
    const type = this.compare ? 'adjudicate' : 'toggle-code';
    const existing = toggleTarget(
      this.allByTurn.get(moment.turn_id) ?? [],
      this.me,
      moment,
      codeId,
      this.compare
    );
    const requestId = this.send({ type, moment, code_id: codeId }, existing?.id ?? null);
    this.hintText = '';
    if (!existing && this.current?.turnId === moment.turn_id) {
      this.focusKey = `pending:${requestId}`;
    }
    this.decorate(moment.turn_id);
    performance.measure(MEASURES.keyToChip, {
      start: started,
      end: performance.now(),
      detail: { turns: this.order.length }
    });
    this.renderInspector();
  }

  /** Change the code in focus (strength, note or code). */
  private editFocused(fields: EditFields): void {
    if (this.readOnly) {
      this.hint('This transcript is read-only: codes cannot be changed here.');
      return;
    }
    const chip = this.focusedChip();
    if (!chip) {
      this.hint('No code in focus: apply a code to this moment first, or pick one with ← and →.');
      return;
    }
    if (chip.record.annotator !== this.me) {
      this.hint(`That code is ${chip.record.annotator}'s: you can change only your own.`);
      return;
    }
    if (chip.key.startsWith('pending:')) {
      // Python has not said the annotation's id yet: send the change once it does.
      const requestId = Number(chip.key.slice('pending:'.length));
      const entry = this.pending.get(requestId);
      if (entry) {
        entry.then = { ...entry.then, ...fields };
        this.decorate(chip.record.turn_id);
        this.renderInspector();
        return;
      }
    }
    this.send({ type: 'edit', id: chip.record.id, ...fields });
    this.decorate(chip.record.turn_id);
    this.renderInspector();
  }

  private deleteFocused(): void {
    if (this.readOnly) {
      this.hint('This transcript is read-only: codes cannot be changed here.');
      return;
    }
    const chip = this.focusedChip();
    if (!chip) {
      this.hint('No code in focus to delete.');
      return;
    }
    if (chip.record.annotator !== this.me) {
      this.hint(`That code is ${chip.record.annotator}'s: you can delete only your own.`);
      return;
    }
    if (!chip.record.id) {
      this.hint('That code is still being saved: delete it once it is.');
      return;
    }
    this.send({ type: 'delete', id: chip.record.id });
    this.focusKey = null;
    this.decorate(chip.record.turn_id);
    if (chip.record.responds_to) {
      this.decorate(chip.record.responds_to);
    }
    this.renderInspector();
  }

  private undoRedo(type: 'undo' | 'redo'): void {
    if (this.readOnly) {
      return;
    }
    const state = this.backend.get('undo_state');
    if (state[type] === null) {
      this.hint(type === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
      return;
    }
    this.send({ type });
  }

  private readonly onReply = (reply: IAnnotatorReply): void => {
    const entry = this.pending.get(reply.request_id);
    if (!entry) {
      return; // another view's, or a retried edit answered again
    }
    this.pending.delete(reply.request_id);
    const key = `pending:${reply.request_id}`;
    if (reply.ok && reply.annotation_id) {
      if (this.focusKey === key) {
        this.focusKey = reply.annotation_id;
      }
      if (entry.then) {
        this.send({ type: 'edit', id: reply.annotation_id, ...entry.then });
      }
    } else if (this.focusKey === key) {
      this.focusKey = null;
    }
    if (!reply.ok && entry.then) {
      this.hint('The code was not saved, so its strength or note was not either.');
    }
    for (const turnId of turnsOf(entry.message, this.recordsById)) {
      this.decorate(turnId);
    }
    if (entry.message.type === 'undo' || entry.message.type === 'redo') {
      this.renderMomentLine();
    }
    this.renderInspector();
    this.renderStatus();
  };

  // -- status, banner, undo -------------------------------------------------------------------

  private hint(text: string): void {
    this.hintText = text;
    this.renderStatus();
  }

  private renderStatus(): void {
    const save = this.backend.get('save_state');
    const waiting = [...this.pending.values()];
    let state: string = save.state;
    let text = save.message;
    if (waiting.length > 0) {
      state = 'saving';
      const oldest = Math.min(...waiting.map(entry => entry.sent));
      text =
        performance.now() - oldest > WAIT_WARNING_MS
          ? 'Still waiting for Python to save: is the kernel busy or stopped?'
          : waiting.length > 1
            ? `Saving ${waiting.length} changes…`
            : 'Saving…';
    }
    if (this.hintText) {
      text = this.hintText;
      state = 'hint';
    }
    this.host.dataset.saveState = state;
    this.status.dataset.state = state;
    if (this.status.textContent !== text) {
      this.status.textContent = text;
    }
  }

  private renderBanner(): void {
    const hadFocus = this.banner.contains(document.activeElement);
    this.drawBanner();
    this.refocus(hadFocus, this.banner);
  }

  /** Focus was in `container` and its node is gone (redrawn): give it to the turns. */
  private refocus(hadFocus: boolean, container: HTMLElement): void {
    if (hadFocus && !container.contains(document.activeElement)) {
      this.list.focus({ preventScroll: true });
    }
  }

  private drawBanner(): void {
    const failed = this.backend.get('failed_edits');
    this.host.classList.toggle('jp-mod-unsaved', failed.length > 0);
    if (failed.length === 0) {
      this.banner.hidden = true;
      this.banner.replaceChildren();
      return;
    }
    const title = el(
      'p',
      'jp-attune-Annotator-failedTitle',
      failed.length === 1
        ? '1 change is not saved: the store refused it.'
        : `${failed.length} changes are not saved: the store refused them.`
    );
    const list = el('ul', 'jp-attune-Annotator-failedList');
    list.append(...failed.map(edit => el('li', '', edit.description)));
    const advice = el(
      'p',
      'jp-attune-Annotator-failedAdvice',
      'They are kept here. Check that the store file is reachable and writable, then Retry; or Discard them.'
    );
    const retry = button('jp-attune-Button jp-mod-accept', 'Retry');
    retry.dataset.action = 'retry';
    const discard = button('jp-attune-Button jp-mod-danger', 'Discard');
    discard.dataset.action = 'discard-failed';
    retry.hidden = discard.hidden = this.readOnly;
    const buttons = el('div', 'jp-attune-Annotator-failedButtons');
    buttons.append(retry, discard);
    this.banner.replaceChildren(title, list, advice, buttons);
    this.banner.hidden = false;
  }

  private readonly onBannerClick = (event: MouseEvent): void => {
    const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset
      .action;
    if (action === 'retry' || action === 'discard-failed') {
      this.hintText = '';
      this.send({ type: action });
    }
  };

  private renderUndo(): void {
    const state = this.backend.get('undo_state');
    this.undoButton.disabled = state.undo === null;
    this.redoButton.disabled = state.redo === null;
    this.undoButton.title = state.undo ? `Undo: ${state.undo} (u, Ctrl+Z)` : 'Nothing to undo';
    this.redoButton.title = state.redo
      ? `Redo: ${state.redo} (z, Ctrl+Shift+Z)`
      : 'Nothing to redo';
  }

  private renderCompareInfo(): void {
    if (!this.compare) {
      this.compareInfo.hidden = true;
      return;
    }
    const disagreements = [...this.slots.values()].filter(slot => slot.disagreement).length;
    let text: string;
    if (this.columns.length < 2) {
      text =
        this.columns.length === 0
          ? 'Nobody has coded this transcript yet: there is nothing to compare.'
          : `Only ${this.columns[0]} has coded this transcript: comparing needs two annotators.`;
    } else {
      text =
        `Comparing ${this.columns.join(', ')}: ${disagreements} ` +
        `${disagreements === 1 ? 'turn differs' : 'turns differ'}.`;
      if (!this.readOnly) {
        text += ` Click a code in a column, or press its key, to record it as agreed (as ${this.me}).`;
      }
    }
    this.compareInfo.textContent = text;
    this.compareInfo.hidden = false;
  }

  // -- the moment line and the code in focus ------------------------------------------------

  private describe(moment: IMoment | IAnnotationRecord): string {
    const slot = this.slots.get(moment.turn_id);
    const number = slot ? slot.index + 1 : moment.turn_id;
    if (moment.responds_to !== null) {
      const other = this.slots.get(moment.responds_to);
      return `turn ${number}, answering turn ${other ? other.index + 1 : moment.responds_to}`;
    }
    if (moment.span_start !== null && moment.span_end !== null && slot) {
      const words = this.turnText(slot);
      const text = slot.turn.text.slice(
        words.toUtf16(moment.span_start),
        words.toUtf16(moment.span_end)
      );
      return `turn ${number}, “${shorten(text)}” (characters ${moment.span_start}–${moment.span_end})`;
    }
    return `turn ${number}`;
  }

  private renderMomentLine(): void {
    const moment = this.currentMoment();
    if (moment === null) {
      this.momentLine.textContent =
        'Select a turn: click it, or press j or ↓. Press ? for every key.';
      return;
    }
    const slot = this.slots.get(moment.turn_id)!;
    const role = ROLE_LABEL[slot.turn.role] ?? slot.turn.role;
    const shape =
      moment.responds_to !== null ? 'pair' : moment.span_start !== null ? 'span' : 'whole turn';
    this.momentLine.textContent = `Moment: ${this.describe(moment)} (${role}, ${shape})`;
  }

  private renderInspector(): void {
    const chip = this.focusedChip();
    const codes = this.backend.get('codes');
    const mine = chip !== null && chip.record.annotator === this.me;
    const hadFocus = this.inspector.node.contains(document.activeElement);
    this.inspector.render(chip, {
      codes,
      codesById: this.codesById,
      strengths: this.backend.get('strengths'),
      where: chip ? this.describe(chip.record) : '',
      editable: !this.readOnly && mine,
      reason: this.readOnly
        ? 'Read-only: this code cannot be changed here.'
        : chip && !mine
          ? `This is ${chip.record.annotator}'s code: you can change only your own.`
          : ''
    });
    this.refocus(hadFocus, this.inspector.node);
    this.moments.setFocused(chip?.record.id || null);
  }

  private maxStrength(): number {
    const strengths = this.backend.get('strengths');
    return strengths.length > 0 ? Math.max(...strengths) : 3;
  }

  // -- moments list ---------------------------------------------------------------------------

  private scheduleMoments(): void {
    if (this.momentsFrame) {
      return;
    }
    this.momentsFrame = requestAnimationFrame(() => {
      this.momentsFrame = 0;
      this.renderMoments();
    });
  }

  private renderMoments(): void {
    const entries: IMomentEntry[] = [];
    const turnIds = [...this.shownByTurn.keys()]
      .filter(turnId => this.slots.has(turnId))
      .sort((a, b) => this.slots.get(a)!.index - this.slots.get(b)!.index);
    for (const turnId of turnIds) {
      const slot = this.slots.get(turnId)!;
      if (slot.node.hidden) {
        continue;
      }
      const records = [...(this.shownByTurn.get(turnId) ?? [])].sort(
        (a, b) => (a.span_start ?? -1) - (b.span_start ?? -1)
      );
      for (const record of records) {
        if (!this.codeMatches(record.code_id)) {
          continue;
        }
        const pair = record.responds_to ? this.slots.get(record.responds_to) : undefined;
        entries.push({
          record,
          turnNumber: slot.index + 1,
          pairNumber: pair ? pair.index + 1 : null
        });
      }
    }
    const focused = this.focusedChip();
    const hadFocus = this.moments.node.contains(document.activeElement);
    this.moments.render(
      entries,
      this.codesById,
      this.backend.get('strengths'),
      focused?.record.id || null
    );
    this.refocus(hadFocus, this.moments.node);
  }

  private jumpToAnnotation(annotationId: string): void {
    const record = this.recordsById.get(annotationId);
    if (!record || !this.slots.has(record.turn_id)) {
      return;
    }
    const slot = this.slots.get(record.turn_id)!;
    const words = this.turnText(slot);
    const span: [number, number] | null =
      record.span_start !== null && record.span_end !== null
        ? [words.toUtf16(record.span_start), words.toUtf16(record.span_end)]
        : null;
    this.select(record.turn_id, { span, pairWith: record.responds_to, focus: record.id });
    this.list.focus({ preventScroll: true });
  }

  // -- filters and search ---------------------------------------------------------------------

  private codeMatches(codeId: string): boolean {
    const wanted = this.codeFilter.value;
    if (!wanted) {
      return true;
    }
    if (codeId === wanted) {
      return true;
    }
    // A family (or any code with sub-codes) matches its descendants.
    let code = this.codesById.get(codeId);
    while (code && code.parent !== null) {
      if (code.parent === wanted) {
        return true;
      }
      code = this.codesById.get(code.parent);
    }
    return false;
  }

  private filterSlot(turnId: string): void {
    const slot = this.slots.get(turnId);
    if (!slot) {
      return;
    }
    const role = this.roleFilter.value;
    let visible = !role || slot.turn.role === role;
    if (visible && this.codeFilter.value) {
      visible = [...slot.codeIds].some(codeId => this.codeMatches(codeId));
    }
    if (visible && this.compare && this.disagreementFilter.checked) {
      visible = slot.disagreement;
    }
    if (slot.node.hidden === visible) {
      slot.node.hidden = !visible;
      this.sizeChunk(slot.chunk);
    }
  }

  /** Size a block's placeholder by the turns shown in it; hide it when it shows none. */
  private sizeChunk(chunk: HTMLElement): void {
    let shown = 0;
    for (const child of chunk.children) {
      if (!(child as HTMLElement).hidden) {
        shown++;
      }
    }
    chunk.hidden = shown === 0;
    chunk.style.setProperty('--jp-attune-chunk-turns', String(shown));
  }

  private applyFilters(rerender = true): void {
    for (const turnId of this.order) {
      this.filterSlot(turnId);
    }
    this.renderFilterCount();
    if (rerender) {
      if (this.searchBox.value.trim()) {
        this.runSearch();
      }
      this.scheduleMoments();
    }
  }

  private renderFilterCount(): void {
    const filtered =
      this.roleFilter.value ||
      this.codeFilter.value ||
      (this.compare && this.disagreementFilter.checked);
    if (!filtered) {
      this.filterCount.textContent = `${this.order.length} turns`;
      return;
    }
    let shown = 0;
    for (const slot of this.slots.values()) {
      if (!slot.node.hidden) {
        shown++;
      }
    }
    this.filterCount.textContent = `${shown} of ${this.order.length} turns`;
  }

  private readonly onSearchInput = (): void => {
    window.clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => this.runSearch(), 120);
  };

  private readonly onSearchKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter') {
      window.clearTimeout(this.searchTimer);
      if (this.searchQuery !== this.searchBox.value.trim()) {
        this.runSearch();
      }
      this.gotoMatch(event.shiftKey ? -1 : 1);
      event.preventDefault();
      event.stopPropagation();
    } else if (event.key === 'Escape') {
      this.list.focus({ preventScroll: true });
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private runSearch(): void {
    const query = this.searchBox.value.trim();
    this.searchQuery = query;
    const touched = new Set(this.matchesByTurn.keys());
    this.searchMatches = [];
    this.matchesByTurn = new Map();
    this.matchIndex = -1;
    if (query) {
      const pattern = new RegExp(escapeRegExp(query), 'giu');
      for (const turnId of this.order) {
        const slot = this.slots.get(turnId)!;
        if (slot.node.hidden) {
          continue;
        }
        for (const match of slot.turn.text.matchAll(pattern)) {
          const found = { turnId, start: match.index, end: match.index + match[0].length };
          this.searchMatches.push(found);
          push(this.matchesByTurn, turnId, found);
          touched.add(turnId);
        }
      }
    }
    for (const turnId of touched) {
      this.decorate(turnId);
    }
    this.renderSearchCount();
  }

  private gotoMatch(step: number): void {
    if (this.searchMatches.length === 0) {
      this.renderSearchCount();
      return;
    }
    const before = this.searchMatches[this.matchIndex];
    if (this.matchIndex < 0) {
      // Start from the current turn: the first match at or after it (or before it, going back).
      const at = this.current ? this.slots.get(this.current.turnId)!.index : -1;
      const position = (m: ISearchMatch): number => this.slots.get(m.turnId)!.index;
      if (step > 0) {
        const index = this.searchMatches.findIndex(m => position(m) >= at);
        this.matchIndex = index < 0 ? 0 : index;
      } else {
        const reversed = [...this.searchMatches].reverse().findIndex(m => position(m) <= at);
        this.matchIndex =
          reversed < 0 ? this.searchMatches.length - 1 : this.searchMatches.length - 1 - reversed;
      }
    } else {
      const n = this.searchMatches.length;
      this.matchIndex = (this.matchIndex + step + n) % n;
    }
    const match = this.searchMatches[this.matchIndex];
    if (before && before.turnId !== match.turnId) {
      this.decorate(before.turnId);
    }
    this.select(match.turnId);
    this.renderSearchCount();
  }

  private renderSearchCount(): void {
    if (!this.searchQuery) {
      this.searchCount.textContent = '';
    } else if (this.searchMatches.length === 0) {
      this.searchCount.textContent = 'No matches';
    } else if (this.matchIndex < 0) {
      this.searchCount.textContent = `${this.searchMatches.length} matches`;
    } else {
      this.searchCount.textContent = `${this.matchIndex + 1} of ${this.searchMatches.length}`;
    }
  }

  // -- spans and pairs ------------------------------------------------------------------------

  /** Shift+→/←: grow or shrink the span's end by a word; with Ctrl, move its start. */
  private stepSpan(direction: 1 | -1, moveStart: boolean): void {
    const current = this.current;
    if (!current) {
      this.hint('Select a turn first: click it, or press j or ↓.');
      return;
    }
    const words = this.turnText(this.slots.get(current.turnId)!).words();
    if (words.length === 0) {
      return;
    }
    let span = current.span;
    if (span === null) {
      if (direction < 0 || moveStart) {
        return;
      }
      span = [words[0][0], words[0][1]];
    } else if (!moveStart) {
      const [start, end] = span;
      if (direction > 0) {
        const next = words.find(w => w[1] > end);
        span = next ? [start, next[1]] : span;
      } else {
        const previous = [...words].reverse().find(w => w[1] < end && w[1] > start);
        span = previous ? [start, previous[1]] : null;
      }
    } else {
      const [start, end] = span;
      if (direction > 0) {
        const next = words.find(w => w[0] > start && w[0] < end);
        span = next ? [next[0], end] : span;
      } else {
        const previous = [...words].reverse().find(w => w[0] < start);
        span = previous ? [previous[0], end] : span;
      }
    }
    this.select(current.turnId, { span, scroll: false });
  }

  /** `v`: pair the therapist turn with the nearest client turn before it (again: unpair). */
  private togglePair(): void {
    if (this.readOnly) {
      this.hint('This transcript is read-only: codes cannot be changed here.');
      return;
    }
    const current = this.current;
    if (!current) {
      this.hint(
        'Select a therapist turn first, then press v to pair it with the client turn before it.'
      );
      return;
    }
    if (current.pairWith !== null) {
      this.select(current.turnId, { scroll: false });
      return;
    }
    const slot = this.slots.get(current.turnId)!;
    if (slot.turn.role !== 'therapist') {
      this.hint(
        'A pair starts on a therapist turn: select the therapist\u2019s response, then press v.'
      );
      return;
    }
    for (let i = slot.index - 1; i >= 0; i--) {
      const other = this.slots.get(this.order[i])!;
      if (other.turn.role === 'client') {
        this.hintText = '';
        this.select(current.turnId, { pairWith: other.turn.id, scroll: false });
        return;
      }
    }
    this.hint('There is no client turn before this one to pair it with.');
  }

  /** ←/→: move the focus between the codes on the current turn. */
  private cycleFocus(step: number): void {
    const current = this.current;
    if (!current) {
      return;
    }
    const chips = this.chipsFor(current.turnId).filter(chip => !chip.removing);
    if (chips.length === 0) {
      this.hint('No codes on this turn.');
      return;
    }
    const focused = this.focusedChip();
    const at = focused ? chips.findIndex(chip => chip.key === focused.key) : -1;
    const next = chips[(at + step + chips.length) % chips.length];
    if (this.inspector.editing) {
      this.inspector.cancelNoteEditor();
    }
    this.focusKey = next.key;
    this.decorate(current.turnId);
    for (const turnId of [...this.linkedTurns, next.record.responds_to ?? '']) {
      this.decorate(turnId);
    }
    this.linkedTurns = next.record.responds_to ? [next.record.responds_to] : [];
    this.renderInspector();
    this.scheduleMoments();
  }

  // -- mouse ----------------------------------------------------------------------------------

  private readonly onMouseUp = (): void => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return;
    }
    const anchor = selection.anchorNode;
    const focusNode = selection.focusNode;
    const text = (node: Node | null): HTMLElement | null =>
      (node instanceof HTMLElement ? node : node?.parentElement)?.closest<HTMLElement>(
        '.jp-attune-Turn-text'
      ) ?? null;
    const startText = text(anchor);
    if (!startText || !anchor || !focusNode || text(focusNode) !== startText) {
      if (startText || text(focusNode)) {
        this.hint('A span must lie inside one turn: select words within a single turn.');
      }
      return;
    }
    const turnId = startText.closest<HTMLElement>('.jp-attune-Turn')?.dataset.turnId;
    const slot = turnId ? this.slots.get(turnId) : undefined;
    if (!slot) {
      return;
    }
    const a = offsetIn(startText, anchor, selection.anchorOffset);
    const b = offsetIn(startText, focusNode, selection.focusOffset);
    if (a === null || b === null) {
      return;
    }
    let [start, end] = a < b ? [a, b] : [b, a];
    const value = slot.turn.text;
    while (start < end && /\s/.test(value[start])) {
      start++;
    }
    while (end > start && /\s/.test(value[end - 1])) {
      end--;
    }
    const words = this.turnText(slot);
    start = words.toUtf16(words.toCodePoint(start));
    end = words.snap(end);
    if (start >= end) {
      return;
    }
    this.spanByMouse = true;
    selection.removeAllRanges();
    this.hintText = '';
    this.select(slot.turn.id, { span: [start, end], scroll: false });
    this.list.focus({ preventScroll: true });
  };

  private readonly onListClick = (event: MouseEvent): void => {
    if (this.spanByMouse) {
      this.spanByMouse = false;
      return;
    }
    const target = event.target as HTMLElement;
    const jump = target.closest<HTMLElement>('[data-jump-turn]');
    if (jump?.dataset.jumpTurn) {
      this.select(jump.dataset.jumpTurn);
      this.list.focus({ preventScroll: true });
      return;
    }
    const chipNode = target.closest<HTMLElement>('.jp-attune-CodeChip');
    const node = target.closest<HTMLElement>('.jp-attune-Turn');
    const turnId = node?.dataset.turnId;
    if (!turnId) {
      return;
    }
    this.hintText = '';
    if (chipNode?.dataset.chipKey) {
      const chip = this.chipsFor(turnId).find(c => c.key === chipNode.dataset.chipKey);
      if (chip && this.compare && !chip.record.adjudicated && !this.readOnly) {
        // Compare mode: a code in an annotator's column is recorded as the agreed one.
        this.select(turnId, { scroll: false });
        this.toggleAt(momentOf(chip.record), chip.record.code_id, performance.now());
      } else if (chip) {
        const words = this.turnText(this.slots.get(turnId)!);
        const { record } = chip;
        const span: [number, number] | null =
          record.span_start !== null && record.span_end !== null
            ? [words.toUtf16(record.span_start), words.toUtf16(record.span_end)]
            : null;
        this.select(turnId, { span, pairWith: record.responds_to, focus: chip.key, scroll: false });
      }
    } else if (turnId !== this.current?.turnId || this.current.span || this.current.pairWith) {
      this.select(turnId, { scroll: false });
    }
    this.list.focus({ preventScroll: true });
  };

  // -- keyboard -------------------------------------------------------------------------------

  private openSheet(): void {
    this.sheet.open(this.backend.get('codes'), this.readOnly, this.compare);
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing) {
      return;
    }
    const started = performance.now();
    const target = event.target as HTMLElement;
    if (isTextField(target)) {
      if (event.key === 'Escape') {
        this.list.focus({ preventScroll: true });
        event.preventDefault();
        event.stopPropagation();
      }
      return; // typing in the search box, the note editor or a list box
    }
    const onButton = target instanceof HTMLButtonElement;
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    if (ctrl && !event.altKey) {
      const lower = key.toLowerCase();
      if (lower === 'z' && !event.shiftKey) {
        this.undoRedo('undo');
      } else if ((lower === 'z' && event.shiftKey) || lower === 'y') {
        this.undoRedo('redo');
      } else if (event.shiftKey && (key === 'ArrowRight' || key === 'ArrowLeft')) {
        this.stepSpan(key === 'ArrowRight' ? 1 : -1, true);
      } else {
        handled = false; // copy, paste and the browser's own keys
      }
    } else if (event.altKey) {
      const digit = /^Digit([0-9])$/.exec(event.code);
      if (digit && !ctrl) {
        const value = Number(digit[1]);
        if (value === 0) {
          this.editFocused({ strength: null });
        } else if (this.backend.get('strengths').includes(value)) {
          this.editFocused({ strength: value });
        } else {
          handled = false;
        }
      } else {
        handled = false;
      }
    } else if (event.shiftKey && (key === 'ArrowRight' || key === 'ArrowLeft')) {
      this.stepSpan(key === 'ArrowRight' ? 1 : -1, false);
    } else if (onButton && (key === 'Enter' || key === ' ')) {
      handled = false; // the button's own click
    } else {
      switch (key) {
        case 'ArrowDown':
        case 'j':
          this.hintText = '';
          this.move(1);
          break;
        case 'ArrowUp':
        case 'k':
          this.hintText = '';
          this.move(-1);
          break;
        case 'Home':
          this.move(-Infinity);
          break;
        case 'End':
          this.move(Infinity);
          break;
        case 'ArrowRight':
          this.cycleFocus(1);
          break;
        case 'ArrowLeft':
          this.cycleFocus(-1);
          break;
        case ' ':
          if (this.current) {
            this.select(this.current.turnId, { scroll: false });
          } else {
            this.move(1);
          }
          break;
        case 'v':
          this.togglePair();
          break;
        case 'n':
          this.openNote();
          break;
        case 'u':
          this.undoRedo('undo');
          break;
        case 'z':
          this.undoRedo('redo');
          break;
        case 'Delete':
        case 'Backspace':
          this.deleteFocused();
          break;
        case '?':
          this.openSheet();
          break;
        case '/':
          this.searchBox.focus();
          this.searchBox.select();
          break;
        case 'Escape':
          this.cancel();
          break;
        default: {
          const code = this.codesByKey.get(key);
          if (code) {
            this.applyCode(code.id, started);
          } else {
            handled = false;
          }
        }
      }
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private openNote(): void {
    if (this.readOnly) {
      this.hint('This transcript is read-only: notes cannot be changed here.');
      return;
    }
    const chip = this.focusedChip();
    if (!chip) {
      this.hint('Apply a code to this moment first: a note belongs to a code.');
      return;
    }
    if (chip.record.annotator !== this.me) {
      this.hint(`That code is ${chip.record.annotator}'s: you can add notes only to your own.`);
      return;
    }
    this.renderInspector();
    this.inspector.openNoteEditor();
  }

  /** Esc: close what is open, else drop the span or pair, else the code in focus, else the hint. */
  private cancel(): void {
    const current = this.current;
    if (this.sheet.isOpen) {
      this.sheet.close();
    } else if (current && (current.span !== null || current.pairWith !== null)) {
      this.select(current.turnId, { scroll: false });
    } else if (this.focusKey !== null) {
      this.focusKey = null;
      if (current) {
        this.select(current.turnId, { scroll: false });
      }
    } else {
      this.hintText = '';
      this.renderStatus();
    }
    this.list.focus({ preventScroll: true });
  }

  // -- state ----------------------------------------------------------------------------------

  private readonly idPrefix = `jp-attune-${Math.random().toString(36).slice(2, 10)}`;
  private readonly actions: HTMLDivElement;
  private readonly undoButton: HTMLButtonElement;
  private readonly redoButton: HTMLButtonElement;
  private readonly roleFilter: MenuButton;
  private readonly codeFilter: MenuButton;
  private readonly disagreementFilter: HTMLInputElement;
  private readonly disagreementLabel: HTMLLabelElement;
  private readonly filterCount: HTMLSpanElement;
  private readonly searchBox: HTMLInputElement;
  private readonly searchCount: HTMLSpanElement;
  private readonly status: HTMLDivElement;
  private readonly banner: HTMLDivElement;
  private readonly compareInfo: HTMLParagraphElement;
  private readonly momentLine: HTMLDivElement;
  private readonly inspector: Inspector;
  private readonly codebook: CodebookPanel;
  private readonly list: HTMLDivElement;
  private readonly moments: MomentList;
  private readonly sheet: ShortcutSheet;
  private unsubscribe: (() => void)[] = [];
  private disposed = false;

  private codesById = new Map<string, ICodeRecord>();
  private codesByKey = new Map<string, ICodeRecord>();
  private readOnly = false;
  private compare = false;
  private me = '';
  private slots = new Map<string, ISlot>();
  private order: string[] = [];

  private recordsById = new Map<string, IAnnotationRecord>();
  private allByTurn = new Map<string, IAnnotationRecord[]>();
  private shownByTurn = new Map<string, IAnnotationRecord[]>();
  private answeredBy = new Map<string, IAnnotationRecord[]>();
  private signatures = new Map<string, string>();
  private columns: string[] = [];
  private failedTurns = new Set<string>();

  private current: ICurrent | null = null;
  /** The chip picked with ←/→ or a click (a record id, or `pending:<request_id>`). */
  private focusKey: string | null = null;
  private linkedTurns: string[] = [];
  private spanByMouse = false;

  private readonly pending = new Map<number, IPending>();
  /** Request ids start at a random point so that two views of one widget do not collide. */
  private nextRequest = Math.floor(Math.random() * 2 ** 30) * 1024 + 1;
  private hintText = '';

  private searchQuery = '';
  private searchMatches: ISearchMatch[] = [];
  private matchesByTurn = new Map<string, ISearchMatch[]>();
  private matchIndex = -1;

  private syncTimer = 0;
  private searchTimer = 0;
  private waitTimer = 0;
  private momentsFrame = 0;
}

/** `Omit` that keeps a union a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

function shorten(text: string, length = 40): string {
  const chars = Array.from(text.replace(/\s+/g, ' '));
  return chars.length <= length ? chars.join('') : `${chars.slice(0, length - 1).join('')}…`;
}

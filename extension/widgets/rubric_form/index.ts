/**
 * Front end of `attune_jupyter.RubricForm` (an anywidget): one radio group per rubric item, with
 * every level and its anchor; comments per item and overall; the rubric's summary; save state.
 *
 * Python owns the data: the view sends one message per change and draws what the synced traits
 * say. A level clicked is shown at once and confirmed by Python; a comment is sent when the
 * rater pauses, leaves the box, presses Ctrl+Enter or Save, or when the view closes. Every text
 * from the rubric or the rating goes in as text (textContent), never as HTML.
 */
import type { AnyModel, RenderProps } from '@anywidget/types';

import type {
  IItemRecord,
  IRubricFormModel,
  IRubricFormReply,
  ISummaryRecord,
  RubricFormMessage
} from './types';

/** Milliseconds of no typing after which a comment is saved. */
const COMMENT_DEBOUNCE_MS = 1500;
/** Milliseconds after which a change Python has not answered is reported as waiting. */
const WAIT_WARNING_MS = 5000;
/** The key of the overall comment among the comment boxes. */
const OVERALL = '\u0000overall';

const SHORTCUTS: readonly [string[], string, boolean][] = [
  [['Tab', 'Shift+Tab'], 'Next / previous item, comment or button', true],
  [['→', '↓'], 'Next level of the item in focus (chooses it)', false],
  [['←', '↑'], 'Previous level (chooses it)', false],
  [['Home', 'End'], 'Lowest / highest level', false],
  [['0', '…', '9'], 'Choose that level', false],
  [['Delete', 'Backspace'], 'Not rated (clears the score)', false],
  [['Ctrl+Enter'], 'Save the comment being written', false],
  [['u', 'Ctrl+Z'], 'Undo the last change (outside a comment box)', false],
  [['?'], 'Show or hide this list', true],
  [['Esc'], 'Close this list', true]
];

let formCount = 0;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function button(className: string, label: string): HTMLButtonElement {
  const node = el('button', `jp-attune-Button ${className}`, label);
  node.type = 'button';
  return node;
}

function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLInputElement && target.type === 'text') ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

function isReply(message: unknown): message is IRubricFormReply {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'reply' &&
    typeof (message as { request_id?: unknown }).request_id === 'number'
  );
}

/** What one item's widgets are, so a change redraws only what it must. */
interface IItemView {
  item: IItemRecord;
  node: HTMLElement;
  current: HTMLElement;
  radios: HTMLElement[];
  /** The levels in radio order, null first ("Not rated"). */
  values: (number | null)[];
  comment: HTMLTextAreaElement | HTMLElement;
}

/** A comment box being written: the text not sent yet, and its save timer. */
interface IDraft {
  timer: number;
}

interface IPending {
  key: string;
  value: number | string | null;
  sent: number;
}

export class RubricFormView {
  constructor(
    private readonly host: HTMLElement,
    private readonly model: AnyModel<IRubricFormModel>
  ) {
    this.prefix = `jp-attune-rf${++formCount}`;
    this.readOnly = model.get('read_only');
    host.classList.add('jp-attune-RubricForm');
    host.classList.toggle('jp-mod-readOnly', this.readOnly);
    // Digits, u and arrows belong to the form here, not to the notebook's command mode.
    host.setAttribute('data-lm-suppress-shortcuts', 'true');

    this.status = el('div', 'jp-attune-RubricForm-status');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.alert = el('div', 'jp-attune-RubricForm-unsaved');
    this.alert.setAttribute('role', 'alert');
    this.undoButton = button('jp-attune-RubricForm-undo', 'Undo');
    this.saveButton = button('jp-mod-accept', 'Save comments');
    this.helpButton = button('', 'Keyboard shortcuts (?)');
    this.summary = el('section', 'jp-attune-RubricForm-summary');
    this.help = el('div', 'jp-attune-RubricForm-help');

    this.build();
    this.renderRating();
    this.renderSummary();
    this.renderStatus();
    this.renderUnsaved();
    this.renderUndo();

    host.addEventListener('keydown', this.onKeydown);
    host.addEventListener('click', this.onClick);
    host.addEventListener('focusout', this.onFocusOut);
    host.addEventListener('input', this.onInput);
    window.addEventListener('pagehide', this.flushAll);
    this.listen('change:rating_record', () => this.renderRating());
    this.listen('change:summary_record', () => this.renderSummary());
    this.listen('change:save_state', () => this.renderStatus());
    this.listen('change:unsaved', () => this.renderUnsaved());
    this.listen('change:undo_label', () => this.renderUndo());
    this.model.on('msg:custom', this.onMessage);
  }

  /** Send every comment still being written, then let go of the page. Idempotent. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.flushAll();
    this.disposed = true;
    this.host.removeEventListener('keydown', this.onKeydown);
    this.host.removeEventListener('click', this.onClick);
    this.host.removeEventListener('focusout', this.onFocusOut);
    this.host.removeEventListener('input', this.onInput);
    window.removeEventListener('pagehide', this.flushAll);
    this.model.off('msg:custom', this.onMessage);
    for (const stop of this.stops) {
      stop();
    }
    for (const timer of this.timers) {
      window.clearTimeout(timer);
    }
  }

  // -- building --------------------------------------------------------------------------------

  private build(): void {
    const rubric = this.model.get('rubric_record');
    const header = el('header', 'jp-attune-RubricForm-header');
    const title = el('h2', 'jp-attune-RubricForm-title', rubric.title);
    title.id = `${this.prefix}-title`;
    this.host.setAttribute('role', 'form');
    this.host.setAttribute('aria-labelledby', title.id);
    const meta = el(
      'p',
      'jp-attune-RubricForm-meta',
      `Session ${this.model.get('transcript_id')} · rater ${this.model.get('rater')} · ` +
        `rubric ${rubric.id} version ${rubric.version}`
    );
    header.append(title, meta);
    if (this.readOnly) {
      header.append(
        el(
          'p',
          'jp-attune-RubricForm-readOnlyNote',
          'Read-only: this rating cannot be changed here.'
        )
      );
    }
    if (rubric.description) {
      header.append(el('p', 'jp-attune-RubricForm-description', rubric.description));
    }
    if (!rubric.anchored) {
      header.append(
        el(
          'p',
          'jp-attune-RubricForm-note',
          "This rubric's levels have no descriptions here: see the instrument's manual for what each level means."
        )
      );
    }
    const toolbar = el('div', 'jp-attune-RubricForm-toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Rating actions');
    this.undoButton.dataset.action = 'undo';
    this.saveButton.dataset.action = 'save';
    this.helpButton.dataset.action = 'help';
    this.helpButton.setAttribute('aria-keyshortcuts', '?');
    if (!this.readOnly) {
      toolbar.append(this.undoButton, this.saveButton);
    }
    toolbar.append(this.helpButton);
    header.append(toolbar, this.status, this.alert);

    this.summary.setAttribute('aria-label', 'Summary');

    const body = el('div', 'jp-attune-RubricForm-body');
    for (const group of rubric.groups) {
      const section = el('section', 'jp-attune-RubricForm-group');
      const heading = el('h3', 'jp-attune-RubricForm-groupTitle', group.label);
      heading.id = `${this.prefix}-group-${group.id}`;
      section.setAttribute('aria-labelledby', heading.id);
      section.append(heading);
      if (group.description) {
        section.append(el('p', 'jp-attune-RubricForm-groupDescription', group.description));
      }
      for (const item of rubric.items.filter(candidate => candidate.group === group.id)) {
        section.append(this.buildItem(item));
      }
      body.append(section);
    }
    body.append(this.buildOverall());

    this.help.setAttribute('role', 'dialog');
    this.help.setAttribute('aria-label', 'Keyboard shortcuts');
    this.help.hidden = true;
    this.host.replaceChildren(header, this.summary, body, this.help);
  }

  private buildItem(item: IItemRecord): HTMLElement {
    const node = el('div', 'jp-attune-RubricForm-item');
    node.dataset.itemId = item.id;
    node.classList.toggle('jp-mod-risk', !item.higher_is_better);
    const id = `${this.prefix}-item-${item.id}`;
    const head = el('div', 'jp-attune-RubricForm-itemHead');
    const label = el('span', 'jp-attune-RubricForm-itemLabel', item.label);
    label.id = `${id}-label`;
    const scale = el('span', 'jp-attune-RubricForm-scale', `(${item.scale_text})`);
    const current = el('span', 'jp-attune-RubricForm-current');
    head.append(label, ' ', scale, current);
    node.append(head);
    const describedBy: string[] = [];
    if (item.description) {
      const description = el('p', 'jp-attune-RubricForm-itemDescription', item.description);
      description.id = `${id}-description`;
      describedBy.push(description.id);
      node.append(description);
    }

    const group = el('div', 'jp-attune-RubricForm-levels');
    group.setAttribute('role', 'radiogroup');
    group.setAttribute('aria-labelledby', label.id);
    if (describedBy.length) {
      group.setAttribute('aria-describedby', describedBy.join(' '));
    }
    if (this.readOnly) {
      group.setAttribute('aria-readonly', 'true');
    }
    const anchored = item.levels.some(level => level.anchor);
    group.classList.toggle('jp-mod-compact', !anchored);
    const values: (number | null)[] = [null, ...item.levels.map(level => level.level)];
    const radios = values.map(value => {
      const radio = el('div', 'jp-attune-RubricForm-level');
      radio.setAttribute('role', 'radio');
      radio.dataset.level = value === null ? '' : String(value);
      if (this.readOnly) {
        radio.setAttribute('aria-disabled', 'true');
      }
      if (value === null) {
        radio.classList.add('jp-mod-none');
        radio.setAttribute('aria-label', `${item.label}: not rated`);
        radio.append(el('span', 'jp-attune-RubricForm-levelNumber', 'Not rated'));
        return radio;
      }
      radio.setAttribute('aria-label', `${item.label}: level ${value} of ${item.maximum}`);
      radio.append(el('span', 'jp-attune-RubricForm-levelNumber', String(value)));
      const anchor = item.levels.find(level => level.level === value)?.anchor ?? '';
      if (anchor) {
        const text = el('span', 'jp-attune-RubricForm-anchor', anchor);
        text.id = `${id}-anchor-${value}`;
        radio.setAttribute('aria-describedby', text.id);
        radio.append(text);
      }
      return radio;
    });
    group.append(...radios);
    node.append(group);

    let comment: HTMLTextAreaElement | HTMLElement;
    if (this.readOnly) {
      comment = el('p', 'jp-attune-RubricForm-commentText');
      comment.setAttribute('aria-label', `Comment on ${item.label}`);
      node.append(comment);
    } else {
      const box = el('label', 'jp-attune-RubricForm-comment');
      const area = el('textarea', 'jp-attune-RubricForm-commentBox');
      area.rows = 1;
      area.dataset.commentKey = item.id;
      area.setAttribute('aria-label', `Comment on ${item.label}`);
      area.placeholder = 'Comment (optional)';
      box.append(area);
      node.append(box);
      comment = area;
    }
    this.items.set(item.id, { item, node, current, radios, values, comment });
    return node;
  }

  private buildOverall(): HTMLElement {
    const section = el('section', 'jp-attune-RubricForm-overall');
    const heading = el('h3', 'jp-attune-RubricForm-groupTitle', 'Overall comment');
    heading.id = `${this.prefix}-overall`;
    section.setAttribute('aria-labelledby', heading.id);
    section.append(heading);
    if (this.readOnly) {
      this.overall = el('p', 'jp-attune-RubricForm-commentText');
      this.overall.setAttribute('aria-labelledby', heading.id);
    } else {
      const area = el('textarea', 'jp-attune-RubricForm-commentBox jp-mod-overall');
      area.rows = 3;
      area.dataset.commentKey = OVERALL;
      area.setAttribute('aria-labelledby', heading.id);
      area.placeholder = 'What went well, what to work on next';
      this.overall = area;
    }
    section.append(this.overall);
    return section;
  }

  // -- drawing the state -----------------------------------------------------------------------

  private renderRating(): void {
    const rating = this.model.get('rating_record');
    for (const record of rating.items) {
      const view = this.items.get(record.item_id);
      if (!view) {
        continue;
      }
      const pending = this.latestPending(`score:${record.item_id}`);
      const score = pending ? (pending.value as number | null) : record.score;
      this.renderScore(view, score);
      this.renderComment(record.item_id, view.comment, record.comment);
    }
    this.renderComment(OVERALL, this.overall, rating.overall_comment);
  }

  private renderScore(view: IItemView, score: number | null): void {
    const { item, node, current, radios, values } = view;
    const checked = values.indexOf(score);
    radios.forEach((radio, i) => {
      const on = i === checked;
      radio.setAttribute('aria-checked', String(on));
      radio.classList.toggle('jp-mod-checked', on);
      radio.tabIndex = on ? 0 : -1;
    });
    node.classList.toggle('jp-mod-unrated', score === null);
    node.dataset.score = score === null ? '' : String(score);
    current.textContent = score === null ? 'Not rated' : `Score ${score} of ${item.maximum}`;
  }

  private renderComment(key: string, node: HTMLElement, text: string): void {
    if (node instanceof HTMLTextAreaElement) {
      // Never overwrite what the rater is writing, or has sent and not yet seen saved.
      if (!this.drafts.has(key) && !this.latestPending(`comment:${key}`) && node.value !== text) {
        node.value = text;
      }
      this.fit(node);
      return;
    }
    node.textContent = text || 'No comment.';
    node.classList.toggle('jp-mod-empty', !text);
  }

  private renderSummary(): void {
    const summary: ISummaryRecord = this.model.get('summary_record');
    const heading = el('h3', 'jp-attune-RubricForm-groupTitle', 'Summary');
    const status = el('p', 'jp-attune-RubricForm-completeness', summary.status);
    status.classList.toggle('jp-mod-incomplete', !summary.complete);
    const list = el('table', 'jp-attune-RubricForm-summaryList');
    const rows = el('tbody', '');
    for (const line of summary.lines) {
      const row = el('tr', '');
      const term = el('th', '', line.label);
      term.scope = 'row';
      const value = el('td', '', line.text);
      value.dataset.summaryId = line.id;
      if (line.band) {
        value.dataset.band = line.band;
      }
      value.classList.toggle('jp-mod-incomplete', line.value === null);
      row.append(term, value);
      rows.append(row);
    }
    list.append(rows);
    const children: HTMLElement[] = [heading, status, list];
    if (summary.pass_rule) {
      const rule = el('p', 'jp-attune-RubricForm-pass', `${summary.pass_rule.rule}: `);
      const verdict = el('strong', '', summary.pass_rule.text);
      verdict.dataset.result = String(summary.pass_rule.result);
      rule.append(verdict);
      children.push(rule);
    }
    this.summary.replaceChildren(...children);
  }

  private renderStatus(): void {
    const save = this.model.get('save_state');
    let state: string = save.state;
    let text = save.message;
    const waiting = [...this.pending.values()];
    if (waiting.length > 0) {
      state = 'saving';
      const oldest = Math.min(...waiting.map(entry => entry.sent));
      text =
        performance.now() - oldest > WAIT_WARNING_MS
          ? 'Still waiting for Python to save: is the kernel busy or stopped?'
          : 'Saving…';
    } else if (this.drafts.size > 0) {
      state = 'editing';
      text =
        'Comment not saved yet: it saves when you pause, leave the box, press Ctrl+Enter or Save comments.';
    } else if (this.hint) {
      state = 'hint';
      text = this.hint;
    }
    this.host.dataset.saveState = state;
    this.status.dataset.state = state;
    if (this.status.textContent !== text) {
      this.status.textContent = text;
    }
  }

  private renderUnsaved(): void {
    const count = this.model.get('unsaved');
    this.host.classList.toggle('jp-mod-unsaved', count > 0);
    if (count === 0) {
      this.alert.hidden = true;
      this.alert.replaceChildren();
      return;
    }
    const text = el(
      'p',
      '',
      `${count === 1 ? '1 change is' : `${count} changes are`} not saved: the store refused ` +
        `${count === 1 ? 'it' : 'them'}. They are kept and shown here. Check that the store ` +
        'is reachable and writable, then Retry.'
    );
    const retry = button('jp-mod-accept', 'Retry');
    retry.dataset.action = 'retry';
    retry.hidden = this.readOnly;
    this.alert.replaceChildren(text, retry);
    this.alert.hidden = false;
  }

  private renderUndo(): void {
    const label = this.model.get('undo_label');
    this.undoButton.disabled = label === null;
    this.undoButton.textContent = label === null ? 'Undo' : `Undo: ${label}`;
    this.undoButton.setAttribute('aria-keyshortcuts', 'u Control+Z');
  }

  // -- changes ---------------------------------------------------------------------------------

  private choose(view: IItemView, index: number, focus: boolean): void {
    const bounded = Math.max(0, Math.min(view.values.length - 1, index));
    const score = view.values[bounded];
    if (focus) {
      view.radios[bounded].focus();
    }
    if (this.readOnly) {
      return;
    }
    const shown = view.node.dataset.score === '' ? null : Number(view.node.dataset.score);
    if (shown === score) {
      return;
    }
    this.renderScore(view, score);
    this.send(`score:${view.item.id}`, score, {
      type: 'set-score',
      request_id: 0,
      item_id: view.item.id,
      score
    });
  }

  /** Send one comment box's text now, when it differs from what is saved. */
  private flush(key: string): void {
    const draft = this.drafts.get(key);
    if (!draft) {
      return;
    }
    window.clearTimeout(draft.timer);
    this.drafts.delete(key);
    const node = key === OVERALL ? this.overall : this.items.get(key)?.comment;
    if (!(node instanceof HTMLTextAreaElement)) {
      return;
    }
    const text = node.value;
    const rating = this.model.get('rating_record');
    const saved =
      key === OVERALL
        ? rating.overall_comment
        : (rating.items.find(item => item.item_id === key)?.comment ?? '');
    if (text === saved && !this.latestPending(`comment:${key}`)) {
      this.renderStatus();
      return;
    }
    const message: RubricFormMessage =
      key === OVERALL
        ? { type: 'set-overall-comment', request_id: 0, comment: text }
        : { type: 'set-comment', request_id: 0, item_id: key, comment: text };
    this.send(`comment:${key}`, text, message);
  }

  private readonly flushAll = (): void => {
    if (this.disposed) {
      return;
    }
    for (const key of [...this.drafts.keys()]) {
      this.flush(key);
    }
  };

  private send(key: string, value: number | string | null, message: RubricFormMessage): void {
    const requestId = ++this.requests;
    this.pending.set(requestId, { key, value, sent: performance.now() });
    this.hint = '';
    this.model.send({ ...message, request_id: requestId });
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) {
        this.renderStatus();
      }
    }, WAIT_WARNING_MS + 100);
    this.timers.add(timer);
    this.renderStatus();
  }

  private latestPending(key: string): IPending | undefined {
    let latest: IPending | undefined;
    for (const entry of this.pending.values()) {
      if (entry.key === key) {
        latest = entry;
      }
    }
    return latest;
  }

  private command(action: string): void {
    if (action === 'help') {
      this.toggleHelp();
      return;
    }
    if (this.readOnly) {
      return;
    }
    if (action === 'save') {
      if (this.drafts.size === 0) {
        this.hint = 'Every comment is saved.';
        this.renderStatus();
      }
      this.flushAll();
    } else if (action === 'undo') {
      this.flushAll();
      if (this.model.get('undo_label') !== null) {
        this.send('undo', null, { type: 'undo', request_id: 0 });
      }
    } else if (action === 'retry') {
      this.send('retry', null, { type: 'retry', request_id: 0 });
    }
  }

  // -- events ----------------------------------------------------------------------------------

  private readonly onMessage = (message: unknown): void => {
    if (!isReply(message) || !this.pending.has(message.request_id)) {
      return;
    }
    const entry = this.pending.get(message.request_id);
    this.pending.delete(message.request_id);
    if (!message.ok || entry?.key === 'undo') {
      // Refused, or undone: draw what Python holds, not what was guessed.
      this.renderRating();
    } else if (entry && !this.latestPending(entry.key)) {
      this.renderRating();
    }
    this.renderStatus();
  };

  private readonly onClick = (event: MouseEvent): void => {
    const target = event.target as HTMLElement;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action) {
      this.command(action);
      return;
    }
    const radio = target.closest<HTMLElement>('[role="radio"]');
    const view = radio ? this.viewOf(radio) : undefined;
    if (radio && view) {
      this.choose(view, view.radios.indexOf(radio), true);
    }
  };

  private readonly onInput = (event: Event): void => {
    const target = event.target;
    if (!(target instanceof HTMLTextAreaElement) || !target.dataset.commentKey) {
      return;
    }
    const key = target.dataset.commentKey;
    const draft = this.drafts.get(key);
    if (draft) {
      window.clearTimeout(draft.timer);
    }
    const timer = window.setTimeout(() => this.flush(key), COMMENT_DEBOUNCE_MS);
    this.drafts.set(key, { timer });
    this.fit(target);
    this.renderStatus();
  };

  private readonly onFocusOut = (event: FocusEvent): void => {
    const target = event.target;
    if (target instanceof HTMLTextAreaElement && target.dataset.commentKey) {
      this.flush(target.dataset.commentKey);
    }
  };

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (!this.help.hidden) {
      if (event.key === 'Escape' || event.key === '?') {
        this.toggleHelp();
        event.preventDefault();
        event.stopPropagation();
      }
      return;
    }
    const target = event.target;
    const ctrl = event.ctrlKey || event.metaKey;
    if (target instanceof HTMLTextAreaElement) {
      if (ctrl && event.key === 'Enter' && target.dataset.commentKey) {
        this.flush(target.dataset.commentKey);
        event.preventDefault();
      }
      // Typing stays in the box: the notebook must not take keys meant for the comment.
      event.stopPropagation();
      return;
    }
    if (isTextField(target)) {
      return;
    }
    let handled = true;
    if (event.key === '?') {
      this.toggleHelp();
    } else if ((event.key === 'u' && !ctrl && !event.altKey) || (ctrl && event.key === 'z')) {
      this.command('undo');
    } else if (target instanceof HTMLElement && target.getAttribute('role') === 'radio') {
      handled = this.onRadioKey(event, target);
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private onRadioKey(event: KeyboardEvent, radio: HTMLElement): boolean {
    const view = this.viewOf(radio);
    if (!view || event.ctrlKey || event.metaKey || event.altKey) {
      return false;
    }
    const index = view.radios.indexOf(radio);
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        this.choose(view, index + 1, true);
        return true;
      case 'ArrowLeft':
      case 'ArrowUp':
        this.choose(view, index - 1, true);
        return true;
      case 'Home':
        this.choose(view, 1, true);
        return true;
      case 'End':
        this.choose(view, view.values.length - 1, true);
        return true;
      case 'Delete':
      case 'Backspace':
        this.choose(view, 0, true);
        return true;
      case ' ':
      case 'Enter':
        this.choose(view, index, true);
        return true;
      default:
        break;
    }
    if (/^[0-9]$/.test(event.key)) {
      const position = view.values.indexOf(Number(event.key));
      if (position > 0) {
        this.choose(view, position, true);
      } else {
        this.hint = `${view.item.label} has no level ${event.key}: its levels are ${view.item.minimum} to ${view.item.maximum}.`;
        this.renderStatus();
      }
      return true;
    }
    return false;
  }

  private toggleHelp(): void {
    if (!this.help.hidden) {
      this.help.hidden = true;
      this.helpReturn?.focus();
      return;
    }
    this.helpReturn = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const title = el('h3', 'jp-attune-RubricForm-groupTitle', 'Keyboard shortcuts');
    const table = el('table', 'jp-attune-RubricForm-helpTable');
    const body = el('tbody', '');
    for (const [keys, action, readOnly] of SHORTCUTS) {
      if (this.readOnly && !readOnly) {
        continue;
      }
      const row = el('tr', '');
      const keyCell = el('th', '');
      keyCell.scope = 'row';
      keys.forEach((key, i) => {
        if (i > 0) {
          keyCell.append(' ');
        }
        keyCell.append(el('kbd', '', key));
      });
      row.append(keyCell, el('td', '', action));
      body.append(row);
    }
    table.append(body);
    const close = button('', 'Close');
    close.dataset.action = 'help';
    this.help.replaceChildren(title, table, close);
    this.help.hidden = false;
    close.focus();
  }

  // -- helpers ---------------------------------------------------------------------------------

  private viewOf(node: HTMLElement): IItemView | undefined {
    const id = node.closest<HTMLElement>('[data-item-id]')?.dataset.itemId;
    return id === undefined ? undefined : this.items.get(id);
  }

  /** Grow a comment box with its text. */
  private fit(area: HTMLTextAreaElement): void {
    area.style.height = 'auto';
    if (area.scrollHeight > 0) {
      area.style.height = `${area.scrollHeight + 2}px`;
    }
  }

  private listen(event: `change:${keyof IRubricFormModel}`, callback: () => void): void {
    const guarded = (): void => {
      if (!this.disposed) {
        callback();
      }
    };
    this.model.on(event, guarded);
    this.stops.push(() => this.model.off(event, guarded));
  }

  private readonly prefix: string;
  private readonly readOnly: boolean;
  private readonly status: HTMLDivElement;
  private readonly alert: HTMLDivElement;
  private readonly undoButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly helpButton: HTMLButtonElement;
  private readonly summary: HTMLElement;
  private readonly help: HTMLDivElement;
  private overall: HTMLTextAreaElement | HTMLElement = document.createElement('p');
  private helpReturn: HTMLElement | null = null;
  private readonly items = new Map<string, IItemView>();
  private readonly drafts = new Map<string, IDraft>();
  private readonly pending = new Map<number, IPending>();
  private readonly stops: (() => void)[] = [];
  private readonly timers = new Set<number>();
  private requests = 0;
  private hint = '';
  private disposed = false;
}

function render({ model, el: host }: RenderProps<IRubricFormModel>): () => void {
  const view = new RubricFormView(host, model);
  return () => view.dispose();
}

export default { render };

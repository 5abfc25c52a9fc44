/**
 * Front end of `attune_jupyter.Annotator` (an anywidget).
 *
 * The Python side owns the data: it sends the transcript, the codes and the current annotations as
 * synced traits, and it writes every change to the store. This view only draws them and turns
 * clicks and key presses into `toggle-code` messages. All transcript text, speaker labels, code
 * labels and notes are set with `textContent`, never as HTML.
 */
import type { AnyModel, RenderProps } from '@anywidget/types';

import type { IAnnotationRecord, IAnnotatorModel, ICodeRecord, ITurn } from '../src/api-types';

/** Message sent to Python. */
export interface IToggleCodeMessage {
  type: 'toggle-code';
  turn_id: string;
  code_id: string;
}

const ROLE_LABEL: Record<string, string> = {
  therapist: 'Therapist',
  client: 'Client',
  other: 'Other speaker'
};

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

class AnnotatorView {
  constructor(
    private readonly model: AnyModel<IAnnotatorModel>,
    private readonly root: HTMLElement
  ) {
    this.root.classList.add('jp-attune-Annotator');
    // JupyterLab's notebook shortcuts (a, b, d d, ...) must not fire while coding a transcript.
    this.root.setAttribute('data-lm-suppress-shortcuts', 'true');
    this.toolbar = el('div', 'jp-attune-Annotator-codes');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Codes');
    this.status = el('div', 'jp-attune-Annotator-status');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.list = el('div', 'jp-attune-Annotator-turns');
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', 'Transcript turns');
    this.list.tabIndex = 0;
    const header = el('div', 'jp-attune-Annotator-header');
    header.append(this.toolbar, this.status);
    this.root.append(header, this.list);
    this.list.addEventListener('keydown', this.onKeydown);
    this.list.addEventListener('click', this.onTurnClick);
    this.toolbar.addEventListener('click', this.onCodeClick);
  }

  renderAll(): void {
    this.renderCodes();
    this.renderTurns();
    this.renderAnnotations();
    this.renderSelection();
    this.renderSaveState();
  }

  renderCodes(): void {
    const readOnly = this.model.get('read_only');
    const buttons = this.model.get('codes').map(code => {
      const button = el('button', 'jp-attune-CodeButton');
      button.type = 'button';
      button.dataset.codeId = code.id;
      button.dataset.depth = String(code.depth);
      button.style.setProperty('--jp-attune-code-colour', code.colour);
      button.title = code.definition;
      button.disabled = readOnly;
      button.setAttribute('aria-keyshortcuts', code.key);
      const key = el('kbd', 'jp-attune-CodeButton-key', code.key);
      const label = el('span', 'jp-attune-CodeButton-label', code.label);
      button.append(key, label);
      return button;
    });
    this.toolbar.replaceChildren(...buttons);
    this.codesByKey = new Map(this.model.get('codes').map(c => [c.key, c]));
    this.codesById = new Map(this.model.get('codes').map(c => [c.id, c]));
  }

  renderTurns(): void {
    const transcript = this.model.get('transcript');
    this.turnNodes = new Map();
    this.turnOrder = transcript.turns.map(t => t.id);
    const fragment = document.createDocumentFragment();
    for (const turn of transcript.turns) {
      const node = this.renderTurn(turn);
      this.turnNodes.set(turn.id, node);
      fragment.append(node);
    }
    this.list.replaceChildren(fragment);
  }

  private renderTurn(turn: ITurn): HTMLElement {
    const node = el('div', 'jp-attune-Turn');
    node.id = `${this.idPrefix}-${turn.id}`;
    node.dataset.turnId = turn.id;
    node.dataset.role = turn.role;
    node.setAttribute('role', 'option');
    node.setAttribute('aria-selected', 'false');
    const header = el('div', 'jp-attune-Turn-header');
    const speaker = el('span', 'jp-attune-Turn-speaker', turn.speaker);
    speaker.title = ROLE_LABEL[turn.role] ?? turn.role;
    header.append(speaker);
    const text = el('div', 'jp-attune-Turn-text', turn.text);
    const chips = el('div', 'jp-attune-Turn-codes');
    node.append(header, text, chips);
    return node;
  }

  renderAnnotations(): void {
    const byTurn = new Map<string, IAnnotationRecord[]>();
    for (const record of this.model.get('annotation_records')) {
      const list = byTurn.get(record.turn_id) ?? [];
      list.push(record);
      byTurn.set(record.turn_id, list);
    }
    for (const [turnId, node] of this.turnNodes) {
      const chips = node.querySelector('.jp-attune-Turn-codes') as HTMLElement;
      const records = byTurn.get(turnId) ?? [];
      chips.replaceChildren(
        ...records.map(record => {
          const code = this.codesById.get(record.code_id);
          const chip = el('span', 'jp-attune-CodeChip', code?.label ?? record.code_id);
          chip.dataset.codeId = record.code_id;
          chip.style.setProperty('--jp-attune-code-colour', code?.colour ?? 'transparent');
          chip.title = record.note ? `${record.annotator}: ${record.note}` : record.annotator;
          return chip;
        })
      );
      node.classList.toggle('jp-mod-annotated', records.length > 0);
    }
  }

  renderSelection(): void {
    const selected = this.model.get('selected_turn');
    for (const [turnId, node] of this.turnNodes) {
      const isSelected = turnId === selected;
      node.classList.toggle('jp-mod-selected', isSelected);
      node.setAttribute('aria-selected', String(isSelected));
    }
    const node = this.turnNodes.get(selected);
    if (node) {
      this.list.setAttribute('aria-activedescendant', node.id);
      node.scrollIntoView({ block: 'nearest' });
    } else {
      this.list.removeAttribute('aria-activedescendant');
    }
  }

  renderSaveState(): void {
    const save = this.model.get('save_state');
    this.root.dataset.saveState = save.state;
    this.status.textContent = save.message;
  }

  dispose(): void {
    this.list.removeEventListener('keydown', this.onKeydown);
    this.list.removeEventListener('click', this.onTurnClick);
    this.toolbar.removeEventListener('click', this.onCodeClick);
  }

  private select(turnId: string): void {
    if (!this.turnNodes.has(turnId)) {
      return;
    }
    this.model.set('selected_turn', turnId);
    this.model.save_changes();
    this.renderSelection();
  }

  private move(step: number): void {
    if (this.turnOrder.length === 0) {
      return;
    }
    const current = this.turnOrder.indexOf(this.model.get('selected_turn'));
    const next =
      current < 0
        ? step > 0
          ? 0
          : this.turnOrder.length - 1
        : Math.min(this.turnOrder.length - 1, Math.max(0, current + step));
    this.select(this.turnOrder[next]);
  }

  private toggle(codeId: string): void {
    const turnId = this.model.get('selected_turn');
    if (this.model.get('read_only')) {
      this.status.textContent = 'This transcript is read-only.';
      return;
    }
    if (!turnId) {
      this.status.textContent = 'Select a turn first (click it, or use the arrow keys).';
      return;
    }
    const message: IToggleCodeMessage = { type: 'toggle-code', turn_id: turnId, code_id: codeId };
    this.root.dataset.saveState = 'saving';
    this.status.textContent = 'Saving…';
    this.model.send(message);
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    let handled = true;
    if (event.key === 'ArrowDown' || event.key === 'j') {
      this.move(1);
    } else if (event.key === 'ArrowUp' || event.key === 'k') {
      this.move(-1);
    } else if (event.key === 'Home') {
      this.move(-this.turnOrder.length);
    } else if (event.key === 'End') {
      this.move(this.turnOrder.length);
    } else {
      const code = this.codesByKey.get(event.key);
      if (code) {
        this.toggle(code.id);
      } else {
        handled = false;
      }
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private readonly onTurnClick = (event: MouseEvent): void => {
    const node = (event.target as HTMLElement).closest<HTMLElement>('.jp-attune-Turn');
    if (node?.dataset.turnId) {
      this.select(node.dataset.turnId);
      this.list.focus({ preventScroll: true });
    }
  };

  private readonly onCodeClick = (event: MouseEvent): void => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>(
      '.jp-attune-CodeButton'
    );
    if (button?.dataset.codeId) {
      this.toggle(button.dataset.codeId);
      this.list.focus({ preventScroll: true });
    }
  };

  private readonly idPrefix = `jp-attune-${Math.random().toString(36).slice(2, 10)}`;
  private readonly toolbar: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly list: HTMLDivElement;
  private turnNodes = new Map<string, HTMLElement>();
  private turnOrder: string[] = [];
  private codesByKey = new Map<string, ICodeRecord>();
  private codesById = new Map<string, ICodeRecord>();
}

function render({ model, el: root }: RenderProps<IAnnotatorModel>): () => void {
  const view = new AnnotatorView(model, root);
  view.renderAll();
  const handlers: [string, () => void][] = [
    [
      'change:transcript',
      () => (view.renderTurns(), view.renderAnnotations(), view.renderSelection())
    ],
    ['change:codes', () => (view.renderCodes(), view.renderAnnotations())],
    ['change:annotation_records', () => view.renderAnnotations()],
    ['change:selected_turn', () => view.renderSelection()],
    ['change:read_only', () => view.renderCodes()],
    ['change:save_state', () => view.renderSaveState()]
  ];
  for (const [event, handler] of handlers) {
    model.on(event, handler);
  }
  return () => {
    for (const [event, handler] of handlers) {
      model.off(event, handler);
    }
    view.dispose();
  };
}

export default { render };

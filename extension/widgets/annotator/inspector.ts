/**
 * The code in focus: what it is, where, by whom, with its strength and note, and (when it is the
 * user's own and the widget is editable) the controls that change it: strength buttons, a note
 * editor (Enter saves, Shift+Enter breaks the line, Esc cancels), a code picker and Delete.
 */
import type { ICodeRecord } from '../../src/api-types';

import { button, el, strengthDots } from './dom';
import { MenuButton } from './menu-button';
import type { IChip } from './records';

export interface IInspectorActions {
  strength(value: number | null): void;
  note(text: string): void;
  code(codeId: string): void;
  remove(): void;
  /** The note editor closed (saved or cancelled): focus goes back to the turns. */
  closed(): void;
}

export interface IInspectorContext {
  codes: readonly ICodeRecord[];
  codesById: ReadonlyMap<string, ICodeRecord>;
  strengths: readonly number[];
  /** Where the code sits, in words ("turn 13, span “quiet evenings”"). */
  where: string;
  editable: boolean;
  /** Why it is not editable, when it is not. */
  reason: string;
}

export class Inspector {
  readonly node: HTMLElement;

  constructor(private readonly actions: IInspectorActions) {
    this.picker = new MenuButton('Change code', codeId => this.actions.code(codeId));
    this.node = el('section', 'jp-attune-Inspector');
    this.node.setAttribute('aria-label', 'Code in focus');
    this.node.hidden = true;
  }

  get editing(): boolean {
    return this.editor !== null;
  }

  render(chip: IChip | null, context: IInspectorContext): void {
    if (this.editor && chip !== null) {
      // Keep the editor (and what is typed in it) while it is open; the view cancels it when
      // the focus moves to another code.
      this.chip = chip;
      this.context = context;
      return;
    }
    this.editor = null;
    this.chip = chip;
    this.context = context;
    if (chip === null) {
      this.node.hidden = true;
      this.node.replaceChildren();
      return;
    }
    const { record } = chip;
    const code = context.codesById.get(record.code_id);
    const max = context.strengths.length > 0 ? Math.max(...context.strengths) : 3;
    const summary = el('div', 'jp-attune-Inspector-summary');
    const label = el('span', 'jp-attune-Inspector-code', code?.label ?? record.code_id);
    label.style.setProperty('--jp-attune-code-colour', code?.colour ?? 'transparent');
    summary.append(
      label,
      el('span', 'jp-attune-Inspector-where', context.where),
      el(
        'span',
        'jp-attune-Inspector-by',
        record.adjudicated ? `agreed, by ${record.annotator}` : `by ${record.annotator}`
      )
    );
    if (chip.state !== 'saved') {
      summary.append(
        el(
          'span',
          `jp-attune-Inspector-state jp-mod-${chip.state}`,
          chip.state === 'saving' ? 'saving…' : 'not saved'
        )
      );
    }
    const children: HTMLElement[] = [summary];

    const strengthRow = el('div', 'jp-attune-Inspector-strength');
    if (context.editable) {
      const group = el('div', 'jp-attune-Inspector-buttons');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Strength');
      strengthRow.append(el('span', 'jp-attune-Inspector-name', 'Strength'), group);
      for (const value of context.strengths) {
        const choice = button(
          'jp-attune-Button jp-attune-StrengthButton',
          String(value),
          `Strength ${value} (Alt+${value})`
        );
        choice.setAttribute('aria-pressed', String(record.strength === value));
        choice.addEventListener('click', () => this.actions.strength(value));
        group.append(choice);
      }
      const none = button('jp-attune-Button', 'None', 'No strength (Alt+0)');
      none.setAttribute('aria-pressed', String(record.strength === null));
      none.addEventListener('click', () => this.actions.strength(null));
      group.append(none);
    } else {
      strengthRow.append(
        el('span', 'jp-attune-Inspector-name', 'Strength'),
        el(
          'span',
          'jp-attune-Inspector-value',
          record.strength === null
            ? 'not given'
            : `${strengthDots(record.strength, max)} ${record.strength} of ${max}`
        )
      );
    }
    children.push(strengthRow);

    const noteRow = el('div', 'jp-attune-Inspector-noteRow');
    noteRow.append(el('span', 'jp-attune-Inspector-name', 'Note'));
    const note = el('p', 'jp-attune-Inspector-note', record.note || 'No note.');
    note.classList.toggle('jp-mod-empty', !record.note);
    noteRow.append(note);
    if (context.editable) {
      const edit = button('jp-attune-Button', record.note ? 'Edit note' : 'Add note', 'Note (n)');
      edit.addEventListener('click', () => this.openNoteEditor());
      noteRow.append(edit);
    }
    children.push(noteRow);

    if (context.editable) {
      const codeRow = el('div', 'jp-attune-Inspector-codeRow');
      this.picker.setChoices(
        context.codes.map(option => ({
          value: option.id,
          label: option.label,
          depth: option.depth,
          colour: option.colour
        })),
        record.code_id
      );
      const remove = button(
        'jp-attune-Button jp-mod-danger',
        'Delete',
        'Delete this code (Delete)'
      );
      remove.addEventListener('click', () => this.actions.remove());
      codeRow.append(this.picker.node, remove);
      children.push(codeRow);
    } else if (context.reason) {
      children.push(el('p', 'jp-attune-Inspector-reason', context.reason));
    }
    this.node.replaceChildren(...children);
    this.node.hidden = false;
  }

  /** Open the note editor on the code in focus (false when there is none or it is not editable). */
  openNoteEditor(): boolean {
    const chip = this.chip;
    if (chip === null || !this.context?.editable) {
      return false;
    }
    const code = this.context.codesById.get(chip.record.code_id);
    const form = el('div', 'jp-attune-NoteEditor');
    const id = `jp-attune-note-${Math.random().toString(36).slice(2, 10)}`;
    const label = el(
      'label',
      'jp-attune-NoteEditor-label',
      `Note on ${code?.label ?? chip.record.code_id}, ${this.context.where}`
    );
    label.htmlFor = id;
    const area = el('textarea', 'jp-attune-NoteEditor-text');
    area.id = id;
    area.rows = 3;
    area.value = chip.record.note;
    const hint = el(
      'span',
      'jp-attune-NoteEditor-hint',
      'Enter saves, Shift+Enter new line, Esc cancels'
    );
    const save = button('jp-attune-Button jp-mod-accept', 'Save note');
    const cancel = button('jp-attune-Button', 'Cancel');
    const finish = (keep: boolean): void => {
      const text = area.value;
      const before = chip.record.note;
      this.editor = null;
      if (keep && text !== before) {
        this.actions.note(text);
      }
      form.remove();
      this.actions.closed();
    };
    area.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        finish(true);
      } else if (event.key === 'Escape') {
        finish(false);
      } else {
        event.stopPropagation();
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    });
    save.addEventListener('click', () => finish(true));
    cancel.addEventListener('click', () => finish(false));
    const buttons = el('div', 'jp-attune-NoteEditor-buttons');
    buttons.append(save, cancel, hint);
    form.append(label, area, buttons);
    this.node.append(form);
    this.editor = area;
    area.focus();
    return true;
  }

  /** Close the note editor without saving. */
  cancelNoteEditor(): void {
    if (this.editor) {
      this.editor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    }
  }

  dispose(): void {
    this.picker.dispose();
  }

  private readonly picker: MenuButton;
  private chip: IChip | null = null;
  private context: IInspectorContext | null = null;
  private editor: HTMLTextAreaElement | null = null;
}

/**
 * The list of annotated moments: one entry per code shown, in transcript order. Clicking an entry
 * (or Enter on it) jumps to its moment and selects it.
 */
import type { IAnnotationRecord, ICodeRecord } from '../../src/api-types';

import { el, excerpt, srOnly, strengthDots } from './dom';

export interface IMomentEntry {
  record: IAnnotationRecord;
  /** 1-based number of the record's turn. */
  turnNumber: number;
  /** Number of the client turn a pair answers, or null. */
  pairNumber: number | null;
}

export class MomentList {
  readonly node: HTMLElement;

  constructor(private readonly onJump: (annotationId: string) => void) {
    this.node = el('section', 'jp-attune-Moments');
    this.node.setAttribute('aria-label', 'Annotated moments');
    this.heading = el('h3', 'jp-attune-Annotator-heading', 'Moments');
    this.list = el('ul', 'jp-attune-Moments-list');
    this.list.setAttribute('aria-label', 'Annotated moments');
    this.empty = el('p', 'jp-attune-Moments-empty', 'No coded moments yet.');
    this.node.append(this.heading, this.list, this.empty);
    this.list.addEventListener('click', this.onClick);
  }

  render(
    entries: readonly IMomentEntry[],
    codesById: ReadonlyMap<string, ICodeRecord>,
    strengths: readonly number[],
    focusedId: string | null
  ): void {
    const max = strengths.length > 0 ? Math.max(...strengths) : 3;
    this.heading.textContent = `Moments (${entries.length})`;
    this.empty.hidden = entries.length > 0;
    this.list.replaceChildren(
      ...entries.map(({ record, turnNumber, pairNumber }) => {
        const code = codesById.get(record.code_id);
        const item = el('li', 'jp-attune-Moments-entry');
        const jump = el('button', 'jp-attune-Moments-item');
        jump.type = 'button';
        jump.dataset.annotationId = record.id;
        jump.style.setProperty('--jp-attune-code-colour', code?.colour ?? 'transparent');
        if (record.id === focusedId) {
          jump.classList.add('jp-mod-focused');
          jump.setAttribute('aria-current', 'true');
        }
        const where =
          pairNumber !== null
            ? `turn ${turnNumber} ↩ ${pairNumber}`
            : record.span_start !== null
              ? `turn ${turnNumber}, span`
              : `turn ${turnNumber}`;
        const label = el('span', 'jp-attune-Moments-label', code?.label ?? record.code_id);
        const place = el('span', 'jp-attune-Moments-where', where);
        const line = el('span', 'jp-attune-Moments-line');
        line.append(label, place);
        if (record.strength !== null) {
          const strength = el(
            'span',
            'jp-attune-Moments-strength',
            strengthDots(record.strength, max)
          );
          strength.setAttribute('aria-hidden', 'true');
          line.append(strength, srOnly(`strength ${record.strength}`));
        }
        if (record.adjudicated) {
          line.append(el('span', 'jp-attune-Moments-agreed', 'agreed'));
        }
        const by = el('span', 'jp-attune-Moments-annotator', record.annotator);
        jump.append(line);
        if (record.note) {
          jump.append(el('span', 'jp-attune-Moments-note', excerpt(record.note)));
        }
        jump.append(by);
        item.append(jump);
        return item;
      })
    );
  }

  /** Mark the entry of the code in focus (without rebuilding the list). */
  setFocused(annotationId: string | null): void {
    for (const jump of this.list.querySelectorAll<HTMLElement>('.jp-attune-Moments-item')) {
      const focused = jump.dataset.annotationId === annotationId;
      jump.classList.toggle('jp-mod-focused', focused);
      if (focused) {
        jump.setAttribute('aria-current', 'true');
      } else {
        jump.removeAttribute('aria-current');
      }
    }
  }

  dispose(): void {
    this.list.removeEventListener('click', this.onClick);
  }

  private readonly onClick = (event: MouseEvent): void => {
    const jump = (event.target as HTMLElement).closest<HTMLElement>('.jp-attune-Moments-item');
    if (jump?.dataset.annotationId) {
      this.onJump(jump.dataset.annotationId);
    }
  };

  private readonly heading: HTMLHeadingElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLParagraphElement;
}

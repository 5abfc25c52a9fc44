/**
 * The Transcript viewer: a read-only main-area view of a transcript file, turn by turn, that needs
 * no kernel. The server parses the file (same readers as the Python API), so what a supervisor sees
 * here is exactly what the notebook widgets annotate.
 */
import { ABCWidgetFactory, DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { Widget } from '@lumino/widgets';

import { AttuneAPIError, fetchTranscript } from './api';
import { IIdentifierFinding, ITranscript, ITurn } from './api-types';

/** Options shared by all Transcript viewers, set from the settings registry. */
export const ViewerOptions = { showTimes: true };

/** Format seconds as h:mm:ss or m:ss. */
export function formatTime(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) {
    return '';
  }
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** A read-only list of turns. All transcript text is set with textContent, never as HTML. */
export class TranscriptPanel extends Widget {
  constructor(private readonly _context: DocumentRegistry.Context) {
    super();
    this.addClass('jp-attune-TranscriptPanel');
    this.node.tabIndex = 0;
    this._status = document.createElement('div');
    this._status.className = 'jp-attune-TranscriptPanel-status';
    this._status.setAttribute('role', 'status');
    this._identifiers = document.createElement('div');
    this._identifiers.className = 'jp-attune-TranscriptPanel-identifiers';
    this._identifiers.setAttribute('role', 'note');
    this._identifiers.hidden = true;
    this._list = document.createElement('ol');
    this._list.className = 'jp-attune-TranscriptPanel-turns';
    this._list.setAttribute('aria-label', 'Transcript turns');
    this.node.append(this._status, this._identifiers, this._list);
    void _context.ready.then(() => this.refresh());
    _context.fileChanged.connect(() => void this.refresh(), this);
  }

  /** Parse the file again and redraw (after the file changed on disk or was saved). */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    this._status.textContent = 'Loading transcript…';
    this._status.dataset.state = 'loading';
    // Only the newest request may draw: an older, slower reply must not overwrite a newer one.
    const request = ++this._requests;
    try {
      const reply = await fetchTranscript(this._context.path);
      if (request !== this._requests || this.isDisposed) {
        return;
      }
      this.render(reply.transcript, reply.identifiers);
    } catch (error) {
      if (request !== this._requests || this.isDisposed) {
        return;
      }
      this._list.replaceChildren();
      this._identifiers.hidden = true;
      const message = error instanceof AttuneAPIError ? error.message : String(error);
      this._status.textContent = `This file could not be shown as a transcript. ${message}`;
      this._status.dataset.state = 'error';
    }
  }

  render(transcript: ITranscript, identifiers: IIdentifierFinding[] = []): void {
    const speakers = new Set(transcript.turns.map(t => t.speaker));
    this._status.textContent = `${transcript.turns.length} turns · ${speakers.size} speakers`;
    this._status.dataset.state = 'ready';
    this._identifiers.textContent = describeIdentifiers(identifiers);
    this._identifiers.hidden = identifiers.length === 0;
    const byTurn = new Map<string, IIdentifierFinding[]>();
    for (const finding of identifiers) {
      byTurn.set(finding.turn_id, [...(byTurn.get(finding.turn_id) ?? []), finding]);
    }
    const fragment = document.createDocumentFragment();
    for (const turn of transcript.turns) {
      fragment.append(renderTurn(turn, byTurn.get(turn.id) ?? []));
    }
    this._list.replaceChildren(fragment);
  }

  private readonly _status: HTMLDivElement;
  private readonly _identifiers: HTMLDivElement;
  private readonly _list: HTMLOListElement;
  private _requests = 0;
}

/** What each identifier category is called in the viewer's notice (singular, plural). */
const IDENTIFIER_NAMES: Record<string, [string, string]> = {
  person_name: ['name', 'names'],
  phone: ['phone number', 'phone numbers'],
  email: ['e-mail address', 'e-mail addresses'],
  url: ['web address', 'web addresses'],
  ip_address: ['IP address', 'IP addresses'],
  national_id: ['national id number', 'national id numbers'],
  record_number: ['record or account number', 'record or account numbers'],
  street_address: ['street address', 'street addresses'],
  postcode: ['postcode', 'postcodes'],
  date: ['date', 'dates'],
  age_over_89: ['age over 89', 'ages over 89']
};

function identifierName(category: string, count: number): string {
  const names = IDENTIFIER_NAMES[category] ?? [category, category];
  return names[count === 1 ? 0 : 1];
}

/** The notice shown above a transcript that still holds possible identifiers. */
export function describeIdentifiers(findings: IIdentifierFinding[]): string {
  if (findings.length === 0) {
    return '';
  }
  const counts = new Map<string, number>();
  for (const finding of findings) {
    counts.set(finding.category, (counts.get(finding.category) ?? 0) + 1);
  }
  const kinds = [...counts].map(([category, n]) => `${n} ${identifierName(category, n)}`);
  const turns = [...new Set(findings.map(f => f.turn_id))];
  const where = turns.length > 5 ? `${turns.slice(0, 5).join(', ')}, …` : turns.join(', ');
  return (
    `This transcript may still identify someone: ${kinds.join(', ')} (turn${turns.length === 1 ? '' : 's'} ${where}, marked below). ` +
    'De-identify it before sharing or annotating it: attune_jupyter.deidentify in a notebook, or attune check in a terminal.'
  );
}

/**
 * Append `text` to `parent` as text nodes, with each finding's span in a <mark>. Offsets count
 * code points (as Python does), so the text is split into code points first.
 */
function appendMarkedText(parent: HTMLElement, text: string, findings: IIdentifierFinding[]): void {
  const points = Array.from(text);
  let at = 0;
  for (const finding of [...findings].sort((a, b) => a.start - b.start)) {
    if (finding.start < at || finding.end > points.length) {
      continue;
    }
    parent.append(points.slice(at, finding.start).join(''));
    const mark = document.createElement('mark');
    mark.className = 'jp-attune-Identifier';
    mark.dataset.category = finding.category;
    mark.title = `Possible identifier: ${identifierName(finding.category, 1)}`;
    mark.textContent = points.slice(finding.start, finding.end).join('');
    parent.append(mark);
    at = finding.end;
  }
  parent.append(points.slice(at).join(''));
}

function renderTurn(turn: ITurn, findings: IIdentifierFinding[]): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'jp-attune-Turn';
  item.dataset.role = turn.role;
  item.dataset.turnId = turn.id;
  const header = document.createElement('div');
  header.className = 'jp-attune-Turn-header';
  const speaker = document.createElement('span');
  speaker.className = 'jp-attune-Turn-speaker';
  speaker.textContent = turn.speaker;
  header.append(speaker);
  const time = ViewerOptions.showTimes ? formatTime(turn.start) : '';
  if (time) {
    const stamp = document.createElement('time');
    stamp.className = 'jp-attune-Turn-time';
    stamp.textContent = time;
    header.append(stamp);
  }
  const text = document.createElement('div');
  text.className = 'jp-attune-Turn-text';
  appendMarkedText(text, turn.text, findings);
  item.append(header, text);
  return item;
}

/** The document widget that hosts a TranscriptPanel for one file. */
export class TranscriptDocument extends DocumentWidget<TranscriptPanel> {}

/** Creates Transcript viewers for files opened with "Open With → Transcript". */
export class TranscriptViewerFactory extends ABCWidgetFactory<TranscriptDocument> {
  protected createNewWidget(context: DocumentRegistry.Context): TranscriptDocument {
    const content = new TranscriptPanel(context);
    const widget = new TranscriptDocument({ content, context });
    widget.title.caption = `Transcript: ${context.path}`;
    return widget;
  }
}

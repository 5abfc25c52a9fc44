/**
 * What the Annotator view needs from its host: the current state, a way to send edits, and news
 * of changes. The anywidget adapter (index.ts) implements it over the widget model; the
 * labextension's Transcript viewer can implement it over the REST API and host the same view.
 */
import type { AnnotatorMessage, IAnnotatorModel, IAnnotatorReply } from '../../src/api-types';

export interface IAnnotatorBackend {
  /** The current value of a piece of state. */
  get<K extends keyof IAnnotatorModel>(key: K): IAnnotatorModel[K];
  /** Tell the host which turn is selected (the only state the view writes directly). */
  setSelectedTurn(turnId: string): void;
  /** Send an edit; the host answers each with a reply carrying the same `request_id`. */
  send(message: AnnotatorMessage): void;
  /** Call `callback` whenever `key` changes; returns a function that stops it. */
  onChange(key: keyof IAnnotatorModel, callback: () => void): () => void;
  /** Call `callback` with every reply; returns a function that stops it. */
  onReply(callback: (reply: IAnnotatorReply) => void): () => void;
}

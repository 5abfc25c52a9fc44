/**
 * Front end of `attune_jupyter.Annotator` (an anywidget): a thin adapter that gives the widget
 * model to the framework-free `AnnotatorView` as an `IAnnotatorBackend`.
 */
import type { AnyModel, RenderProps } from '@anywidget/types';

import type { AnnotatorMessage, IAnnotatorModel, IAnnotatorReply } from '../../src/api-types';

import type { IAnnotatorBackend } from './backend';
import { AnnotatorView } from './view';

export { AnnotatorView } from './view';
export type { IAnnotatorBackend } from './backend';

/** The widget model as the view's backend. */
export function modelBackend(model: AnyModel<IAnnotatorModel>): IAnnotatorBackend {
  return {
    get: key => model.get(key),
    setSelectedTurn: turnId => {
      model.set('selected_turn', turnId);
      model.save_changes();
    },
    send: (message: AnnotatorMessage) => model.send(message),
    onChange: (key, callback) => {
      const event = `change:${key}`;
      model.on(event, callback);
      return () => model.off(event as `change:${keyof IAnnotatorModel}`, callback);
    },
    onReply: callback => {
      const handler = (message: unknown): void => {
        if (isReply(message)) {
          callback(message);
        }
      };
      model.on('msg:custom', handler);
      return () => model.off('msg:custom', handler);
    }
  };
}

function isReply(message: unknown): message is IAnnotatorReply {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'reply' &&
    typeof (message as { request_id?: unknown }).request_id === 'number'
  );
}

function render({ model, el }: RenderProps<IAnnotatorModel>): () => void {
  const view = new AnnotatorView(el, modelBackend(model));
  view.renderAll();
  return () => view.dispose();
}

export default { render };

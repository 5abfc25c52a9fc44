/**
 * attune-jupyter's JupyterLab plugins: the Transcript viewer (Open With → Transcript on .vtt and
 * .txt files) and its command.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { TranscriptDocument, TranscriptViewerFactory, ViewerOptions } from './transcript-view';

/** Command ids, `attune-jupyter:verb-noun`. */
export namespace CommandIDs {
  export const refreshTranscript = 'attune-jupyter:refresh-transcript';
}

/** Name of the document widget factory; it is what "Open With" lists. */
export const TRANSCRIPT_FACTORY = 'Transcript';
export const WEBVTT_FILE_TYPE = 'attune-webvtt';

const transcriptViewer: JupyterFrontEndPlugin<void> = {
  id: 'attune-jupyter:transcript-viewer',
  description: 'Open transcript files (.vtt, .txt) as a turn-by-turn view, without a kernel.',
  autoStart: true,
  optional: [ILayoutRestorer, ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ) => {
    app.docRegistry.addFileType({
      name: WEBVTT_FILE_TYPE,
      displayName: 'WebVTT transcript',
      extensions: ['.vtt'],
      mimeTypes: ['text/vtt'],
      fileFormat: 'text',
      contentType: 'file'
    });
    const factory = new TranscriptViewerFactory({
      name: TRANSCRIPT_FACTORY,
      label: 'Transcript',
      fileTypes: [WEBVTT_FILE_TYPE, 'text'],
      defaultFor: [WEBVTT_FILE_TYPE],
      readOnly: true
    });
    const tracker = new WidgetTracker<TranscriptDocument>({ namespace: 'attune-transcript' });
    factory.widgetCreated.connect((_sender, widget) => {
      void tracker.add(widget);
      widget.context.pathChanged.connect(() => void tracker.save(widget));
    });
    app.docRegistry.addWidgetFactory(factory);
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({ path: widget.context.path, factory: TRANSCRIPT_FACTORY }),
        name: widget => widget.context.path
      });
    }
    if (settingRegistry) {
      const applySettings = (settings: ISettingRegistry.ISettings) => {
        ViewerOptions.showTimes = settings.get('showTimes').composite !== false;
        tracker.forEach(widget => void widget.content.refresh());
      };
      settingRegistry
        .load(transcriptViewer.id)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(reason => console.error('attune-jupyter: could not load viewer settings', reason));
    }
    app.commands.addCommand(CommandIDs.refreshTranscript, {
      label: 'Reload Transcript',
      caption: 'Parse the transcript file again and redraw it',
      isEnabled: () => tracker.currentWidget !== null,
      execute: () => tracker.currentWidget?.content.refresh()
    });
    palette?.addItem({ command: CommandIDs.refreshTranscript, category: 'Transcript' });
  }
};

export default [transcriptViewer];

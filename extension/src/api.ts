/**
 * The one typed client for attune-jupyter's REST API. Every server call from the labextension goes
 * through here, so the base URL, authentication (the server connection settings carry the token and
 * XSRF cookie) and error handling live in one place.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IErrorReply, ITranscriptReply } from './api-types';

/** An error reply from the server, with the message it gave. */
export class AttuneAPIError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly line: number | null = null
  ) {
    super(message);
    this.name = 'AttuneAPIError';
  }
}

async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'attune', 'api', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const body = await response.text();
  let data: unknown = null;
  if (body.length > 0) {
    try {
      data = JSON.parse(body);
    } catch {
      throw new AttuneAPIError(
        `Unexpected reply from the server (${response.status})`,
        response.status
      );
    }
  }
  if (!response.ok) {
    const err = (data ?? {}) as Partial<IErrorReply>;
    throw new AttuneAPIError(
      err.message ?? `Request failed (${response.status})`,
      response.status,
      err.line ?? null
    );
  }
  return data as T;
}

/** Parse the transcript file at `path` (relative to the server root). */
export function fetchTranscript(path: string): Promise<ITranscriptReply> {
  return requestAPI<ITranscriptReply>(`transcripts?path=${encodeURIComponent(path)}`);
}

import type { FastifyReply } from 'fastify';
import type { InvocationResult } from '@portico/contracts';
import { logLink, sendAtlasError } from './error-body';
import { sendInvocationResponse } from './response-writer';

/**
 * Answers with an invocation's result, whoever asked for it (an endpoint, the Data API, the client
 * auth API): its HTTP response as it is, or its failure as the Atlas error body with the log link.
 */
export function sendInvocationResult(
  reply: FastifyReply,
  result: InvocationResult,
  mediaType: string,
  log: { publicAdminUrl: string; appId: string; requestId: string },
): void {
  if (result.response !== undefined) {
    sendInvocationResponse(reply, result.response, mediaType);
  } else if (result.error !== undefined) {
    const { code, message, status } = result.error;
    sendAtlasError(
      reply,
      { code, message, status: status ?? 400 },
      logLink(log.publicAdminUrl, log.appId, log.requestId),
    );
  } else {
    throw new Error(`invocation result ${result.requestId} has neither a response nor an error`);
  }
}

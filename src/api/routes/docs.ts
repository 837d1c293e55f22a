/** @module The routes that describe the API itself. */
import { createRoute } from '@hono/zod-openapi'
import * as z from 'zod'
import { errors, json } from './common'

export const openApiRoute = createRoute({
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This document',
  tags: ['docs'],
  responses: {
    200: json('the OpenAPI 3.1 document', z.record(z.string(), z.unknown())),
    ...errors([401]),
  },
})

export const referenceRoute = createRoute({
  method: 'get',
  path: '/api/docs',
  operationId: 'getApiReference',
  summary: 'This API reference as an HTML page',
  description: 'Rendered from this document when it is made: no script, no CDN. Needs no bearer token.',
  tags: ['docs'],
  security: [],
  responses: {
    200: { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } },
    ...errors([404]),
  },
})

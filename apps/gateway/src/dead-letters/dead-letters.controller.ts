import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/token-verifier';
import { Backends, DEAD_LETTER_SERVICES, type DeadLetterService } from '../backends/backends';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { ProblemException } from '../problem-details/problem-details';
import { Validate } from '../validation/validation';
import {
  byNewest,
  deadLetterId,
  parseDeadLetterId,
  toDeadLetter,
  toProtoStatus,
} from './dead-letters.mapper';
import {
  deadLetterIdParams,
  deadLetterPageSchema,
  type DeadLetterResponse,
  deadLetterSchema,
  discardBody,
  listDeadLettersQuery,
  replayAllBody,
  replayAllResponseSchema,
} from './dead-letters.schemas';

/** Without `?service=`, every service is asked for its newest `page × limit`: enough for one merged page up to here. */
const MERGED_LIST_MAX = 100;

/**
 * The dead letters of every service that consumes, for admins: each service keeps its own
 * (DeadLetterService over gRPC); an id says which service (`payment.<uuid>`).
 */
@ApiTags('admin: dead letters')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly backends: Backends) {}

  @Get()
  @ApiOperation({
    summary: 'Dead letters, newest first (admin)',
    description:
      'Filter by service, original topic and status (WAITING: neither replayed nor discarded). ' +
      `Without \`service\`, every service is asked and the pages merged, up to the first ${MERGED_LIST_MAX} dead letters; ` +
      'past those, name the service.',
  })
  @Validate({ query: listDeadLettersQuery })
  @ApiJson(200, deadLetterPageSchema, 'one page of dead letters')
  @ApiProblems(400, 401, 403)
  async list(
    @Query() query: z.output<typeof listDeadLettersQuery>,
  ): Promise<z.output<typeof deadLetterPageSchema>> {
    const { page, limit, service, topic, status } = query;
    const request = { topic: topic ?? '', status: toProtoStatus(status) };
    if (service) {
      const { data, pagination } = await this.backends.deadLetters[service].call(
        'listDeadLetters',
        { ...request, page, limit },
        { idempotent: true },
      );
      const total = pagination?.total ?? 0;
      return {
        data: data.map((letter) => toDeadLetter(service, letter)),
        pagination: { page, limit, total, pages: Math.ceil(total / limit) },
      };
    }
    const depth = page * limit;
    if (depth > MERGED_LIST_MAX) {
      throw ProblemException.validation([
        {
          field: 'service',
          message: `required past the first ${MERGED_LIST_MAX} dead letters (page × limit ≤ ${MERGED_LIST_MAX} without it)`,
        },
      ]);
    }
    const pages = await Promise.all(
      DEAD_LETTER_SERVICES.map(async (name) => {
        const answer = await this.backends.deadLetters[name].call(
          'listDeadLetters',
          { ...request, page: 1, limit: depth },
          { idempotent: true },
        );
        return {
          total: answer.pagination?.total ?? 0,
          data: answer.data.map((letter) => toDeadLetter(name, letter)),
        };
      }),
    );
    const total = pages.reduce((sum, { total: count }) => sum + count, 0);
    const merged = pages.flatMap(({ data }) => data).sort(byNewest);
    return {
      data: merged.slice((page - 1) * limit, depth),
      pagination: { page, limit, total, pages: Math.ceil(total / limit) },
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its headers and payload (admin)' })
  @Validate({ params: deadLetterIdParams })
  @ApiJson(200, deadLetterSchema, 'the dead letter')
  @ApiProblems(400, 401, 403, 404)
  async get(@Param() params: z.output<typeof deadLetterIdParams>): Promise<DeadLetterResponse> {
    const { service, id } = parseDeadLetterId(params.id);
    const { deadLetter } = await this.backends.deadLetters[service].call(
      'getDeadLetter',
      { id },
      { idempotent: true },
    );
    return toDeadLetter(service, deadLetter, { withMessage: true });
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay every waiting dead letter, optionally of one service or topic (admin)',
    description: 'At most 500 per service per call: call again while some are waiting.',
  })
  @Validate({ body: replayAllBody })
  @ApiJson(
    202,
    replayAllResponseSchema,
    'the dead letters replayed: their messages are on their way back',
  )
  @ApiProblems(400, 401, 403)
  async replayAll(
    @CurrentUser() user: AuthenticatedUser,
    @Body() { service, topic }: z.output<typeof replayAllBody>,
  ): Promise<z.output<typeof replayAllResponseSchema>> {
    const services: readonly DeadLetterService[] = service ? [service] : DEAD_LETTER_SERVICES;
    const replayed = await Promise.all(
      services.map(async (name) => {
        // Not idempotent: each call replays what waits at that moment.
        const { ids } = await this.backends.deadLetters[name].call('replayDeadLetters', {
          topic: topic ?? '',
          requestedBy: user.id,
        });
        return ids.map((id) => deadLetterId(name, id));
      }),
    );
    return { replayed: replayed.flat() };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay one dead letter onto its original topic (admin)',
    description:
      'Same key, payload and headers (same ce_id) plus a replay counter, through the service’s outbox. ' +
      'The consumer’s inbox deduplicates on ce_id: replaying a message it handled changes nothing. 409 for a discarded one.',
  })
  @Validate({ params: deadLetterIdParams })
  @ApiJson(
    202,
    deadLetterSchema,
    'the dead letter, REPLAYED: its message is on its way back to its topic',
  )
  @ApiProblems(400, 401, 403, 404, 409)
  async replay(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: z.output<typeof deadLetterIdParams>,
  ): Promise<DeadLetterResponse> {
    const { service, id } = parseDeadLetterId(params.id);
    const { deadLetter } = await this.backends.deadLetters[service].call('replayDeadLetter', {
      id,
      requestedBy: user.id,
    });
    return toDeadLetter(service, deadLetter);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Discard a waiting dead letter, saying why (admin)' })
  @Validate({ params: deadLetterIdParams, body: discardBody })
  @ApiJson(200, deadLetterSchema, 'the dead letter, DISCARDED')
  @ApiProblems(400, 401, 403, 404, 409)
  async discard(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: z.output<typeof deadLetterIdParams>,
    @Body() { reason }: z.output<typeof discardBody>,
  ): Promise<DeadLetterResponse> {
    const { service, id } = parseDeadLetterId(params.id);
    const { deadLetter } = await this.backends.deadLetters[service].call('discardDeadLetter', {
      id,
      reason,
      requestedBy: user.id,
    });
    return toDeadLetter(service, deadLetter);
  }
}

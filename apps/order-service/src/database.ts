import { Injectable } from '@nestjs/common';
import { prismaDatabase } from '@ecommerce/database';
import { type Prisma, PrismaClient } from './generated/prisma/client';

/** This service's own database (and no other: the generated client knows only its tables). */
@Injectable()
export class PrismaService extends prismaDatabase(PrismaClient) {}

/** What a `$transaction(async (tx) => ...)` callback, and so a message handler, gets. */
export type Tx = Prisma.TransactionClient;

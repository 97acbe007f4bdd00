import { Global, Module } from '@nestjs/common';
import { Backends } from './backends';

@Global()
@Module({ providers: [Backends], exports: [Backends] })
export class BackendsModule {}

import { Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token-issuer';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/** Signing keys (configured or generated), the JWKS, and access tokens signed with them. */
@Module({
  providers: [SigningKeysService, SigningKeysRepository, AccessTokenIssuer],
  exports: [SigningKeysService, AccessTokenIssuer],
})
export class TokensModule {}

import { Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token-issuer';
import { SigningKeysService } from './signing-keys.service';

/** Signing keys (configured or generated), the JWKS, and access tokens signed with them. */
@Module({
  providers: [SigningKeysService, AccessTokenIssuer],
  exports: [SigningKeysService, AccessTokenIssuer],
})
export class TokensModule {}

import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { type ServiceConfig } from '../config';
import { type AccessTokenSettings, signAccessToken, type TokenRole } from './access-tokens';
import { SigningKeysService } from './signing-keys.service';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** Issues access tokens with the current signing key and the configured claims. */
@Injectable()
export class AccessTokenIssuer {
  private readonly settings: AccessTokenSettings;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.settings = {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  async issue(user: { id: string; role: TokenRole }): Promise<IssuedToken> {
    const accessToken = await signAccessToken(await this.keys.current(), user, this.settings);
    return { accessToken, expiresIn: this.settings.ttlSeconds };
  }
}

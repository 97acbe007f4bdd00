import '../register-paths';
import { startE2eStack } from '../global-setup';

/** The whole platform with two processes of every app: the replicas' suite (this folder). */
export default async function globalSetup(): Promise<void> {
  await startE2eStack({ replicas: 2 });
}

import { gateway } from '@versaai/service-gateway';
import { authService } from '@versaai/service-auth';
import { usersService } from '@versaai/service-users';
import type { ServiceDefinition } from '@versaai/runtime';

// The composition root: the only module that knows every service.
export const allServices: ServiceDefinition[] = [authService, usersService];
export { gateway };

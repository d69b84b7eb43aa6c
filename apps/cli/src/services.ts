import { gateway } from '@versaai/service-gateway';
import { authService } from '@versaai/service-auth';
import { usersService } from '@versaai/service-users';
import { chatService } from '@versaai/service-chat';
import { aiService } from '@versaai/service-ai';
import type { ServiceDefinition } from '@versaai/runtime';

// The composition root: the only module that knows every service.
export const allServices: ServiceDefinition[] = [authService, usersService, chatService, aiService];
export { gateway };

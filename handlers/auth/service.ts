/**
 * The auth core: sign-in and account management, with every dependency
 * (storage, throttle, hasher, signer, clock, log) passed in. Authorization is
 * decided here, so a caller that forgets a check cannot open a route.
 */
import type { z } from "zod";
import type {
  LoginResponse,
  Page,
  Role,
  User,
  createUserRequestSchema,
  loginRequestSchema,
  updateUserRequestSchema,
} from "../../contracts/api";
import type { Principal } from "../../contracts/auth";
import type { Logger } from "../lib/apigw";
import { ApiError } from "../lib/errors";
import { issueToken, type TokenSigner } from "../lib/tokens";
import type { LoginThrottle } from "./login-throttle";
import type { PasswordHasher } from "./passwords";
import { publicUser, type UserChanges, type UsersStore } from "./users-store";

export type LoginInput = z.output<typeof loginRequestSchema>;
export type CreateUserInput = z.output<typeof createUserRequestSchema>;
export type UpdateUserInput = z.output<typeof updateUserRequestSchema>;

export interface ListUsersQuery {
  readonly role?: Role;
}

/** What creating an account needs; the seed script uses just this. */
export interface AccountDeps {
  readonly users: UsersStore;
  readonly passwords: PasswordHasher;
  readonly clock: () => Date;
}

export interface AuthDeps extends AccountDeps {
  readonly throttle: LoginThrottle;
  readonly signer: TokenSigner;
  readonly log: Logger;
}

/** One answer for a wrong email and a wrong password, so the response does not reveal which accounts exist. */
const BAD_CREDENTIALS = "email or password is incorrect";

/**
 * Creates an account without asking who is asking: for the seed script that
 * bootstraps the first supervisor, and for {@link AuthService.createUser} after
 * its role check. Duplicate email: 409.
 */
export async function createAccount(deps: AccountDeps, input: CreateUserInput): Promise<User> {
  const now = deps.clock().toISOString();
  const user = { email: input.email, name: input.name, role: input.role, createdAt: now, updatedAt: now };
  const created = await deps.users.create({ ...user, passwordHash: await deps.passwords.hash(input.password) });
  if (!created) throw new ApiError("conflict", `a user with email ${input.email} already exists`);
  return user;
}

function requireSupervisor(principal: Principal): void {
  if (principal.role !== "supervisor") throw new ApiError("forbidden", "only a supervisor can manage users");
}

export interface AuthService {
  login(input: LoginInput): Promise<LoginResponse>;
  me(principal: Principal): Promise<User>;
  listUsers(principal: Principal, query: ListUsersQuery): Promise<Page<User>>;
  createUser(principal: Principal, input: CreateUserInput): Promise<User>;
  updateUser(principal: Principal, email: string, input: UpdateUserInput): Promise<User>;
  deleteUser(principal: Principal, email: string): Promise<void>;
}

export function createAuthService(deps: AuthDeps): AuthService {
  return {
    async login({ email, password }) {
      const now = deps.clock();
      const admission = await deps.throttle.admit(email, now);
      if (admission.locked) {
        deps.log.warn("login_throttled", { email, retryAfterSeconds: admission.retryAfterSeconds });
        throw new ApiError("too_many_requests", "too many failed sign-ins for this email; try again later", undefined, {
          "Retry-After": String(admission.retryAfterSeconds),
        });
      }
      const user = await deps.users.get(email);
      // An unknown email still costs one scrypt, so the timing does not tell the two failures apart.
      const passwordMatches = await deps.passwords.verify(password, user?.passwordHash ?? (await deps.passwords.dummyHash()));
      if (user === undefined || !passwordMatches) {
        deps.log.info("login_failed", { email, attempts: admission.attempts });
        throw new ApiError("unauthorized", BAD_CREDENTIALS);
      }
      await deps.throttle.clear(email);
      const profile = { email: user.email, name: user.name, role: user.role };
      const issued = await issueToken(deps.signer, profile, { now });
      deps.log.info("login_succeeded", { email, role: user.role });
      return { token: issued.token, expiresAt: issued.expiresAt.toISOString(), user: profile };
    },

    async me(principal) {
      const user = await deps.users.get(principal.email);
      if (user === undefined) throw new ApiError("unauthorized", "this account no longer exists");
      return publicUser(user);
    },

    async listUsers(_principal, query) {
      // Any signed-in user may list: a supervisor picks a PIC, a PIC sees who else is on the board.
      const users = await deps.users.list();
      return { items: query.role === undefined ? users : users.filter((user) => user.role === query.role), nextCursor: null };
    },

    async createUser(principal, input) {
      requireSupervisor(principal);
      const user = await createAccount(deps, input);
      deps.log.info("user_created", { email: user.email, role: user.role, by: principal.email });
      return user;
    },

    async updateUser(principal, email, input) {
      requireSupervisor(principal);
      if (email === principal.email && input.role !== undefined && input.role !== "supervisor") {
        throw new ApiError("conflict", "you cannot remove your own supervisor role; ask another supervisor");
      }
      const changes: UserChanges = {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(input.password === undefined ? {} : { passwordHash: await deps.passwords.hash(input.password) }),
      };
      const updated = await deps.users.update(email, changes, deps.clock().toISOString());
      if (updated === undefined) throw new ApiError("not_found", `no user with email ${email}`);
      deps.log.info("user_updated", { email, by: principal.email, fields: Object.keys(input).sort().join(",") });
      return publicUser(updated);
    },

    async deleteUser(principal, email) {
      requireSupervisor(principal);
      if (email === principal.email) {
        throw new ApiError("conflict", "you cannot delete your own account; ask another supervisor");
      }
      if (!(await deps.users.remove(email))) throw new ApiError("not_found", `no user with email ${email}`);
      deps.log.info("user_deleted", { email, by: principal.email });
    },
  };
}

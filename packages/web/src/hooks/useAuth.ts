import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchAuthState, login, logout } from '../api/auth';
import { queryKeys } from '../api/queryKeys';

export const AUTH_STALE_MS = 60_000;

export function useAuthState() {
  return useQuery({ queryKey: queryKeys.authMe, queryFn: fetchAuthState, staleTime: AUTH_STALE_MS });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (args: { username: string; password: string }) => login(args.username, args.password),
    onSuccess: (state) => {
      client.setQueryData(queryKeys.authMe, state);
      void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      client.clear();
      void client.invalidateQueries({ queryKey: queryKeys.authMe });
    },
  });
}

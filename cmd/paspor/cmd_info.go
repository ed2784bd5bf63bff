package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newInfoCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the wallet's ID, file, second factor, KDF and document count",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runInfo(cmd.Context(), g) },
	}
}

func runInfo(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	info, err := w.Info()
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, info)
	}
	fmt.Fprintf(g.stdout, "wallet:        %s\nfile:          %s\ncreated:       %s\ndocuments:     %d\nsecond factor: %s\nkdf:           argon2id, %d MiB, %d iterations, %d lanes\n",
		info.WalletID, info.Path, info.CreatedAt.Format("2006-01-02 15:04:05 UTC"), info.Documents,
		info.Factor, info.KDF.MemoryKiB/1024, info.KDF.Iterations, info.KDF.Parallelism)
	return nil
}

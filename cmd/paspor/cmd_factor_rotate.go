package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newFactorRotateCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate",
		Short: "Replace the device secret and print a new recovery code",
		Long: `Replace the device secret with a fresh one and print the new recovery code; the old code
stops working. The new secret is staged first, the key slot re-sealed in one transaction,
and the staged secret then made current, so an interruption never locks you out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFactorRotate(cmd.Context(), g) },
	}
}

func runFactorRotate(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	code, err := w.RotateFactor(ctx)
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"wallet_id": w.ID(), "recovery_code": code})
	}
	fmt.Fprintln(g.stdout, "Device secret replaced; the old recovery code no longer works.")
	fmt.Fprintln(g.stdout)
	printRecoveryCode(g, code)
	return nil
}

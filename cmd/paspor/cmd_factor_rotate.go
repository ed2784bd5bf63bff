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
and the staged secret then made current, so an interruption never locks you out.

Copies of the wallet file made before the rotation keep needing the old device secret;
paspor backup files do not depend on it. paspor info shows when the factor was last rotated.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFactorRotate(cmd.Context(), g) },
	}
}

// rotateOldCopies is what a rotation means for copies of the wallet file made before it.
const rotateOldCopies = `
Copies of the wallet file made before now (a copied folder, a disk image) still need the
OLD device secret: the new key file or keyring entry and the new recovery code do not open
them, and "paspor recover" with the old code would put the old secret back in place of the
new one. Backups made with "paspor backup" do not depend on the device secret and still
restore. Make a fresh backup now, and replace old copies with it.

`

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
	fmt.Fprint(g.stdout, rotateOldCopies)
	printRecoveryCode(g, code)
	return nil
}
